# The labelled corpus: ids, labels, splits, duplicates and near-duplicates.
find_program(STANCE_PYTHON3 NAMES python3 REQUIRED)
add_test(NAME corpus_check COMMAND ${STANCE_PYTHON3} ${PROJECT_SOURCE_DIR}/training/check_corpus.py
         ${PROJECT_SOURCE_DIR}/training/corpus.jsonl)
set_tests_properties(corpus_check PROPERTIES LABELS unit TIMEOUT 120)
