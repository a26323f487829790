/* segment_lex.c — word lists for the quote segmenter (generated sorted; keep sorted:
   the lookups are binary searches, and test_segment checks the order). All entries are
   lower-case ASCII or UTF-8; lookups fold ASCII case only. */
#include <stddef.h>
#include <string.h>

static const char *const lex_verb[] = {
    "according", "acknowledged", "acknowledges", "added", "adding", "adds", "admits", "admitted",
    "advised", "advises", "affirmed", "agreed", "agrees", "announced", "announces", "argued",
    "argues", "arguing", "asked", "asks", "asserted", "asserts", "believes", "boasted", "boasts",
    "cautioned", "cautioning", "cautions", "claimed", "commented", "complained", "complains",
    "conceded", "concedes", "concluded", "concludes", "confirmed", "confirms", "contended",
    "contends", "continued", "countered", "counters", "declared", "declares", "disclosed",
    "elaborated", "elaborates", "emphasised", "emphasises", "emphasized", "emphasizes",
    "estimated", "expected", "expects", "explained", "explaining", "explains", "forecast",
    "forecasts", "frets", "fretted", "grumbled", "highlighted", "highlights", "hoped", "hopes",
    "insisted", "insists", "joked", "jokes", "lamented", "laments", "maintained", "maintains",
    "mused", "muses", "noted", "notes", "noting", "observed", "observes", "opined", "pointed",
    "points", "posted", "predicted", "predicts", "projected", "projects", "promised", "promises",
    "quipped", "quips", "recalled", "recalls", "reckoned", "reckons", "recounted", "recounts",
    "reiterated", "reiterates", "remarked", "remarks", "repeated", "replied", "replies",
    "reported", "responded", "responds", "retorted", "said", "say", "saying", "says", "scoffed",
    "shrugged", "sighed", "signaled", "signalled", "signals", "stated", "stressed", "stresses",
    "suggested", "suggests", "summarised", "summarized", "summed", "telling", "tells", "told",
    "tweeted", "underscored", "underscores", "urged", "urges", "vowed", "vows", "warned",
    "warning", "warns", "wondered", "wonders", "worried", "worries", "writes", "writing", "wrote",
};
static const char *const lex_aux[] = {
    "again", "already", "also", "bluntly", "earlier", "flatly", "further", "had", "has", "have",
    "is", "just", "later", "often", "once", "previously", "quickly", "recently", "repeatedly",
    "separately", "simply", "still", "subsequently", "then", "was", "were", "will", "would",
};
static const char *const lex_hon[] = {
    "dame", "dr", "gov", "lady", "lord", "madam", "messrs", "miss", "mlle", "mme", "mr", "mrs",
    "ms", "mx", "prof", "professor", "rep", "sen", "sir",
};
static const char *const lex_hon_m[] = {
    "lord", "messrs", "mr", "sir",
};
static const char *const lex_hon_f[] = {
    "dame", "lady", "madam", "miss", "mlle", "mme", "mrs", "ms",
};
static const char *const lex_particle[] = {
    "al", "bin", "binti", "da", "das", "de", "del", "della", "den", "der", "des", "di", "dos",
    "du", "el", "la", "le", "mac", "st", "ten", "ter", "van", "von", "y",
};
static const char *const lex_suffix[] = {
    "ii", "iii", "iv", "jr", "sr",
};
static const char *const lex_abbr[] = {
    "approx", "apr", "assn", "aug", "bros", "capt", "co", "col", "corp", "dec", "dept", "dr",
    "est", "etc", "feb", "ft", "gen", "gov", "inc", "jan", "jr", "jul", "jun", "lt", "ltd", "mar",
    "messrs", "mme", "mr", "mrs", "ms", "mt", "no", "nov", "oct", "prof", "rep", "sen", "sep",
    "sept", "sgt", "sr", "st", "univ", "vs",
};
static const char *const lex_corp[] = {
    "advisers", "advisors", "ag", "airlines", "analytics", "asset", "associates", "bancorp",
    "bancshares", "bank", "brands", "capital", "capitalgroup", "co", "company", "consulting",
    "corp", "corporation", "energy", "exchange", "financial", "foods", "freight", "fund", "funds",
    "gas", "gmbh", "group", "holdings", "inc", "industries", "insurance", "investments", "labs",
    "limited", "llc", "llp", "logistics", "lp", "ltd", "management", "markets", "media", "metals",
    "mining", "motors", "networks", "nv", "oil", "partners", "petroleum", "pharmaceuticals",
    "plc", "research", "resources", "retail", "robotics", "sa", "securities", "semiconductor",
    "semiconductors", "software", "solutions", "steel", "stores", "systems", "technologies",
    "trust", "ventures",
};
static const char *const lex_titlehead[] = {
    "accountant", "administrator", "adviser", "advisers", "advisor", "advisors", "ambassador",
    "analyst", "analysts", "architect", "associate", "attorney", "auditor", "author", "banker",
    "broker", "ceo", "ceo-elect", "cfo", "chair", "chairman", "chairperson", "chairs",
    "chairwoman", "chancellor", "chief", "cio", "cmo", "co-chair", "co-founder", "co-head",
    "cofounder", "columnist", "commentator", "commissioner", "consultant", "controller", "coo",
    "coordinator", "counsel", "cto", "dean", "deputy", "designer", "developer", "director",
    "directors", "economist", "economists", "editor", "engineer", "entrepreneur", "ethicist",
    "evangelist", "evp", "executive", "executives", "expert", "fellow", "founder", "futurist",
    "governor", "head", "heads", "historian", "investor", "investors", "journalist", "lawyer",
    "lead", "leader", "lecturer", "manager", "managers", "marketer", "mayor", "md", "member",
    "minister", "observer", "officer", "officers", "official", "officials", "operator", "owner",
    "partner", "partners", "planner", "president", "president-elect", "principal", "professor",
    "programmer", "regulator", "reporter", "representative", "researcher", "researchers",
    "scientist", "secretary", "senator", "specialist", "spokesman", "spokesperson", "spokeswoman",
    "strategist", "strategists", "superintendent", "supervisor", "svp", "technologist", "trader",
    "traders", "treasurer", "vice-chair", "vice-president", "vp",
};
static const char *const lex_rolemod[] = {
    "&", "acting", "adjunct", "ai", "american", "americas", "analytics", "and", "apac", "asia",
    "asian", "asset", "assets", "assistant", "associate", "at-large", "auto", "automotive",
    "bank", "banking", "brand", "business", "capital", "care", "chain", "chief",
    "chief-executive", "china", "chinese", "client", "clients", "climate", "cloud", "co",
    "commodities", "commodity", "communications", "compliance", "consumer", "content",
    "corporate", "credit", "currencies", "currency", "customer", "customers", "data",
    "department", "deputy", "desk", "digital", "distinguished", "division", "east", "economic",
    "economics", "editorial", "emea", "emerging", "emeritus", "energy", "engineering",
    "environmental", "equities", "equity", "esg", "estate", "ethics", "eu", "europe", "european",
    "ex", "executive", "finance", "financial", "first", "fiscal", "fixed", "for", "former",
    "founding", "freight", "fund", "fx", "general", "global", "governance", "group", "growth",
    "hardware", "health", "healthcare", "hedge", "honorary", "housing", "human", "income",
    "independent", "industry", "information", "infrastructure", "innovation", "insurance",
    "interim", "international", "investment", "investments", "it", "japan", "junior", "labor",
    "labor-market", "labour", "latin", "lead", "legal", "logistics", "macro", "macroeconomic",
    "managing", "market", "marketing", "markets", "media", "monetary", "mortgage", "national",
    "news", "north", "of", "operating", "operation", "operations", "pacific", "people", "policy",
    "portfolio", "practice", "principal", "private", "product", "products", "program",
    "programme", "project", "property", "public", "quant", "quantitative", "rates", "real",
    "regional", "research", "research-and-development", "resources", "retail", "retail-sector",
    "risk", "sales", "science", "second", "sector", "security", "semiconductor", "senior",
    "social", "software", "south", "staff", "strategic", "strategy", "supply", "sustainability",
    "team", "tech", "technology", "trade", "trading", "transport", "travel", "treasury", "u.s.",
    "uk", "unit", "us", "venture", "vice", "visiting", "wealth", "west",
};
static const char *const lex_stopcap[] = {
    "a", "according", "advertisement", "after", "all", "also", "although", "amid", "among", "an",
    "analysts", "and", "april", "as", "at", "august", "because", "before", "both", "but", "by",
    "comments", "december", "despite", "disclaimer", "dr", "each", "earlier", "editor", "email",
    "every", "february", "few", "follow", "for", "friday", "from", "he", "her", "here", "him",
    "his", "how", "however", "i", "if", "image", "in", "investors", "it", "its", "january",
    "july", "june", "last", "later", "leave", "many", "march", "market", "markets", "may", "me",
    "meanwhile", "monday", "most", "mr", "mrs", "ms", "my", "next", "no", "nor", "not", "note",
    "november", "october", "of", "on", "one", "or", "other", "others", "our", "photo", "posted",
    "print", "q", "read", "related", "reply", "saturday", "september", "several", "share",
    "shares", "she", "since", "so", "some", "source", "sources", "still", "stocks", "subscribe",
    "sunday", "tags", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "though", "three", "thursday", "to", "today", "tomorrow", "topics", "tuesday", "two",
    "until", "update", "updated", "us", "we", "wednesday", "what", "when", "where", "which",
    "while", "who", "whom", "whose", "why", "with", "yes", "yesterday", "yet", "you", "your",
};
static const char *const lex_furniture[] = {
    "a", "advertisement", "analysis", "answer", "comment", "comments", "copy", "correction",
    "disclaimer", "editorial", "email", "facebook", "follow", "home", "image", "leave", "link",
    "linkedin", "login", "menu", "newsletter", "note", "opinion", "photo", "posted", "print", "q",
    "question", "read", "related", "reply", "search", "share", "source", "sponsored", "subscribe",
    "tags", "topics", "tweet", "twitter", "update", "updated", "whatsapp",
};
static const char *const lex_pron_m[] = {
    "he",
};
static const char *const lex_pron_f[] = {
    "she",
};
static const char *const lex_company_noun[] = {
    "administration", "agency", "airline", "authority", "automaker", "bank", "board", "brand",
    "business", "carrier", "chipmaker", "commission", "company", "conglomerate", "corporation",
    "council", "department", "developer", "exchange", "firm", "fund", "giant", "government",
    "group", "insurer", "lender", "maker", "manufacturer", "miner", "ministry", "operator",
    "platform", "producer", "railway", "regulator", "retailer", "shipper", "start-up", "startup",
    "supplier", "union", "utility",
};
static const char *const lex_spokes[] = {
    "representative", "representatives", "spokesman", "spokespeople", "spokesperson",
    "spokeswoman",
};
static const char *const lex_det[] = {
    "a", "an", "another", "her", "his", "its", "many", "one", "other", "several", "some", "that",
    "the", "their", "these", "this", "those", "three", "two",
};
static const char *const lex_prep[] = {
    "about", "against", "at", "by", "for", "from", "in", "into", "of", "on", "over", "than", "to",
    "under", "with",
};
static const char *const lex_relative[] = {
    "according", "adding", "citing", "noting", "referring", "saying", "speaking", "when", "where",
    "which", "while", "who", "whom", "whose", "writing",
};
static const char *const lex_name_f[] = {
    "abby", "abena", "abigail", "adaeze", "adele", "adriana", "agnes", "agnieszka", "aiko",
    "ailsa", "aisha", "akosua", "alessandra", "alexa", "alexandra", "alexis", "alice", "alicia",
    "alison", "allison", "alma", "amanda", "amara", "amber", "amelia", "amelie", "amina", "amira",
    "amy", "ana", "ananya", "anastasia", "angela", "angelica", "anita", "anjali", "anke", "ann",
    "anna", "annabel", "anne-marie", "anne-sophie", "annette", "annika", "aoife", "april",
    "ashley", "astrid", "audrey", "ava", "ayesha", "barbara", "beatrice", "beatriz", "belinda",
    "bernadette", "beth", "bethany", "betty", "beverly", "birgit", "bonnie", "brenda", "bridget",
    "brigitte", "brittany", "brooke", "caitlin", "camila", "camille", "carla", "carmen", "carol",
    "carolina", "carolyn", "catherine", "cecilia", "charlene", "charlotte", "cheryl", "chiara",
    "chioma", "chloe", "christina", "christine", "ciara", "cindy", "claire", "clara", "claudia",
    "colleen", "constance", "cynthia", "daisy", "dana", "daniela", "danielle", "daphne", "dawn",
    "deborah", "debra", "deepa", "delia", "denise", "diana", "diane", "dina", "divya", "dolores",
    "donna", "doris", "dorothy", "ebony", "edith", "efua", "eilidh", "ekaterina", "eleanor",
    "elena", "elise", "eliza", "elizabeth", "ella", "ellen", "elodie", "elsa", "emily", "emma",
    "erica", "erin", "esther", "eun-ji", "eva", "eve", "evelyn", "ewa", "faith", "fatima",
    "federica", "fernanda", "fiona", "florence", "folake", "frances", "francesca", "francine",
    "freja", "freya", "funmilayo", "gabriela", "gail", "galina", "gemma", "genevieve", "georgia",
    "gina", "giulia", "gloria", "grace", "grainne", "greta", "gwen", "halima", "hana", "hannah",
    "harriet", "haruka", "hayley", "hazel", "heather", "heidi", "helen", "helene", "helga",
    "hilary", "holly", "hui", "hye-jin", "ida", "imogen", "ines", "ingrid", "irene", "irina",
    "iris", "isabel", "isabella", "isabelle", "isla", "ivy", "jacqueline", "jade", "jane",
    "janet", "janice", "janine", "jasmine", "jean", "jenna", "jennifer", "jenny", "jessica",
    "ji-woo", "jill", "jing", "jo", "joan", "joanna", "joanne", "jodi", "joy", "joyce", "judith",
    "judy", "juliana", "julie", "kaitlyn", "kara", "karen", "kari", "karin", "katarzyna", "kate",
    "katherine", "kathleen", "kathryn", "katie", "kavya", "kayla", "keiko", "kelly", "khadija",
    "kimberly", "kirsten", "kirsty", "krista", "kristen", "kristin", "kristina", "lakshmi",
    "laura", "lauren", "layla", "lea", "leah", "leila", "lena", "leticia", "li-na", "lily",
    "linda", "ling", "lisa", "lois", "lori", "lorna", "lorraine", "louise", "lourdes", "lucia",
    "lucy", "ludmila", "lydia", "mabel", "madison", "maeve", "magdalena", "maggie", "manon",
    "marcia", "margaret", "margaux", "maria", "mariam", "mariana", "marie", "marie-claire",
    "mariko", "marilyn", "marion", "marta", "martha", "mary", "maya", "meera", "megan", "mei",
    "mei-ling", "melanie", "melissa", "mia", "michelle", "mila", "min-jung", "miriam", "molly",
    "monika", "morag", "nadia", "nadine", "nancy", "naomi", "natalia", "natalie", "nathalie",
    "neha", "nell", "ngozi", "niamh", "nicole", "nina", "noelle", "noemi", "nomvula", "nora",
    "noura", "odile", "oksana", "olga", "olivia", "orla", "pamela", "paola", "patricia", "paula",
    "pauline", "penny", "petra", "phoebe", "pilar", "pooja", "poppy", "precious", "priscilla",
    "priya", "rachael", "rachel", "ramona", "rebecca", "regina", "renata", "renee", "rina",
    "rita", "ritu", "roisin", "rosa", "rosalind", "rose", "rosemary", "roxanne", "ruby", "ruth",
    "sabine", "sabrina", "sakura", "samantha", "sana", "sandra", "sara", "sarah", "selena",
    "seo-yeon", "serena", "sharon", "shirley", "sigrid", "silke", "sinead", "siobhan", "sofia",
    "sonia", "sonja", "soo-jin", "sophia", "sophie", "stephanie", "sunita", "susan", "svetlana",
    "sylvie", "tamara", "tanya", "tara", "tatiana", "teresa", "tessa", "thandiwe", "theresa",
    "tina", "trisha", "ursula", "valentina", "valeria", "vera", "veronica", "veronique",
    "victoria", "violet", "virginia", "wanjiru", "wei-ling", "wendy", "whitney", "willow",
    "xiaoling", "xiu", "yan", "yasmin", "yelena", "yetunde", "ying", "yuki", "yumi", "yvonne",
    "zainab", "zanele", "zara", "zoe", "zofia",
};
static const char *const lex_name_m[] = {
    "aaron", "abraham", "adam", "ahmed", "akira", "alan", "albert", "alejandro", "alessandro",
    "alexander", "alexei", "alexey", "alfie", "ali", "amit", "anders", "andrei", "andres",
    "andrew", "andrés", "angus", "anil", "anthony", "antoine", "antonio", "archie", "arjun",
    "arthur", "arun", "austin", "babatunde", "ben", "benjamin", "benoit", "benoît", "bilal",
    "bill", "billy", "bjorn", "bjørn", "bo", "bob", "bobby", "boris", "brandon", "brian", "bruce",
    "bruno", "bryan", "callum", "carl", "carlos", "charles", "charlie", "chen-wei", "chidi",
    "chinedu", "christian", "christopher", "ciaran", "conor", "cormac", "daisuke", "dan",
    "daniel", "dariusz", "dave", "david", "declan", "dennis", "derek", "dev", "devin", "diego",
    "dieter", "dmitri", "dmitry", "dominic", "don", "donald", "dong-hyun", "doug", "douglas",
    "duncan", "dustin", "dylan", "ed", "eduardo", "edward", "edwin", "elijah", "elliot", "ellis",
    "emeka", "emmett", "eoin", "eric", "erik", "ernest", "ethan", "etienne", "euan", "eugene",
    "evan", "fabian", "fadi", "faisal", "farid", "felipe", "felix", "fergus", "fernando", "finn",
    "florian", "floyd", "francesco", "francis", "francois", "frank", "françois", "fred",
    "freddie", "frederick", "gabriel", "gary", "gavin", "gene", "george", "gerald", "giovanni",
    "giuseppe", "glen", "glenn", "gordon", "graham", "grant", "greg", "gregory", "grzegorz",
    "guillaume", "gustavo", "hamish", "hamza", "hank", "hans", "hao", "harold", "harry", "haruto",
    "harvey", "hassan", "hector", "henrik", "henry", "herbert", "hideo", "hiroshi", "howard",
    "hugh", "hugo", "hussein", "ian", "ibrahim", "ichiro", "igor", "imran", "isaac", "ivan",
    "jack", "jacob", "jacques", "jae-won", "jake", "jakub", "jamal", "james", "jan", "jared",
    "jason", "javier", "jay", "jean-luc", "jean-paul", "jean-pierre", "jeff", "jeffrey", "jens",
    "jeremiah", "jeremy", "jerry", "jesse", "ji-hoon", "jian", "jim", "jimmy", "joao", "joe",
    "joel", "johan", "john", "jomo", "jon", "jonah", "jonathan", "jordan", "jorge", "jose",
    "joseph", "joshua", "joão", "juan", "julian", "julien", "jun", "jurgen", "justin", "jürgen",
    "kamau", "karan", "karim", "kazuo", "keith", "kenji", "kenneth", "kent", "kenta", "kevin",
    "khalid", "klaus", "kofi", "krzysztof", "kurt", "kwabena", "kwame", "kyle", "lance", "larry",
    "lars", "laurent", "lawrence", "lee", "lei", "leo", "leon", "leonard", "lewis", "liam",
    "lloyd", "logan", "lorenzo", "louis", "luca", "luis", "lukas", "luke", "magnus", "malcolm",
    "mandla", "manuel", "marco", "marcus", "marek", "mark", "martin", "marvin", "mason",
    "massimo", "mateus", "mathieu", "matteo", "matthew", "matthias", "max", "maximilian",
    "michael", "michal", "michał", "miguel", "mikhail", "mikkel", "min-ho", "ming", "mitchell",
    "mohamed", "mohammed", "morgan", "moshe", "muhammad", "mustafa", "nasser", "nathan", "neil",
    "niall", "nicholas", "nicolas", "nigel", "nikhil", "nikolai", "nils", "noah", "norman",
    "obinna", "oisin", "olaf", "oleg", "oliver", "olivier", "olumide", "omar", "oscar", "owen",
    "pablo", "padraig", "paolo", "patrick", "paul", "pavel", "pedro", "perry", "peter", "phil",
    "philip", "philippe", "pierre", "piet", "pieter", "piotr", "pranav", "quentin", "rafael",
    "rafal", "rafał", "rahul", "raj", "rajesh", "ralph", "rami", "randy", "rashid", "rasmus",
    "ravi", "ray", "raymond", "reed", "rex", "ricardo", "richard", "rick", "ricky", "rob",
    "robert", "roberto", "rodney", "rodrigo", "roger", "rohan", "ronald", "rory", "ross", "roy",
    "ruben", "rudy", "rupert", "russell", "ryan", "sam", "samir", "samuel", "sanjay", "satoshi",
    "scott", "seamus", "sean", "sebastian", "sergei", "sergey", "sergio", "seth", "seung-woo",
    "seán", "siddharth", "simon", "sipho", "soren", "stanley", "stefan", "stefano", "stephen",
    "steven", "stuart", "sunil", "suresh", "sven", "søren", "tadeusz", "takeshi", "tao", "tariq",
    "taro", "ted", "terrence", "terry", "thabo", "theo", "thiago", "thierry", "thomas", "tiago",
    "timothy", "tobias", "toby", "todd", "tom", "tomasz", "tony", "travis", "trevor", "troy",
    "tunde", "tyler", "uwe", "victor", "vijay", "vikram", "vincent", "vladimir", "wade", "walid",
    "walter", "warren", "wayne", "wei", "wesley", "will", "william", "willie", "wilson",
    "wojciech", "wolfgang", "xavier", "yaw", "yosef", "youssef", "yuri", "yusuf", "yuto", "yves",
    "zach", "zachary", "ziad", "étienne",
};

static int fold(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int cmpw(const char *w, size_t n, const char *e)
{
    size_t i = 0;
    for (; i < n && e[i]; i++) {
        int a = fold((unsigned char)w[i]), b = (unsigned char)e[i];
        if (a != b)
            return a - b;
    }
    if (i < n)
        return 1;
    return e[i] ? -1 : 0;
}

static int find(const char *const *l, size_t n, const char *w, size_t wn)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmpw(w, wn, l[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

static int sorted(const char *const *l, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(l[i - 1], l[i]) >= 0)
            return 0;
    return 1;
}

#define LEX(name) \
    int stance__seglex_##name(const char *w, size_t n); \
    int stance__seglex_##name(const char *w, size_t n) \
    { \
        return find(lex_##name, sizeof lex_##name / sizeof *lex_##name, w, n); \
    }
LEX(verb)
LEX(aux)
LEX(hon)
LEX(hon_m)
LEX(hon_f)
LEX(particle)
LEX(suffix)
LEX(abbr)
LEX(corp)
LEX(titlehead)
LEX(rolemod)
LEX(stopcap)
LEX(furniture)
LEX(pron_m)
LEX(pron_f)
LEX(company_noun)
LEX(spokes)
LEX(det)
LEX(prep)
LEX(relative)
LEX(name_f)
LEX(name_m)

/* 1 when every list is strictly sorted (byte order), else 0. */
int stance__seglex_selfcheck(void);
int stance__seglex_selfcheck(void)
{
    return sorted(lex_verb, sizeof lex_verb / sizeof *lex_verb) &&
           sorted(lex_aux, sizeof lex_aux / sizeof *lex_aux) &&
           sorted(lex_hon, sizeof lex_hon / sizeof *lex_hon) &&
           sorted(lex_hon_m, sizeof lex_hon_m / sizeof *lex_hon_m) &&
           sorted(lex_hon_f, sizeof lex_hon_f / sizeof *lex_hon_f) &&
           sorted(lex_particle, sizeof lex_particle / sizeof *lex_particle) &&
           sorted(lex_suffix, sizeof lex_suffix / sizeof *lex_suffix) &&
           sorted(lex_abbr, sizeof lex_abbr / sizeof *lex_abbr) &&
           sorted(lex_corp, sizeof lex_corp / sizeof *lex_corp) &&
           sorted(lex_titlehead, sizeof lex_titlehead / sizeof *lex_titlehead) &&
           sorted(lex_rolemod, sizeof lex_rolemod / sizeof *lex_rolemod) &&
           sorted(lex_stopcap, sizeof lex_stopcap / sizeof *lex_stopcap) &&
           sorted(lex_furniture, sizeof lex_furniture / sizeof *lex_furniture) &&
           sorted(lex_pron_m, sizeof lex_pron_m / sizeof *lex_pron_m) &&
           sorted(lex_pron_f, sizeof lex_pron_f / sizeof *lex_pron_f) &&
           sorted(lex_company_noun, sizeof lex_company_noun / sizeof *lex_company_noun) &&
           sorted(lex_spokes, sizeof lex_spokes / sizeof *lex_spokes) &&
           sorted(lex_det, sizeof lex_det / sizeof *lex_det) &&
           sorted(lex_prep, sizeof lex_prep / sizeof *lex_prep) &&
           sorted(lex_relative, sizeof lex_relative / sizeof *lex_relative) &&
           sorted(lex_name_f, sizeof lex_name_f / sizeof *lex_name_f) &&
           sorted(lex_name_m, sizeof lex_name_m / sizeof *lex_name_m);
}
