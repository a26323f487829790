# The labelled corpus and the batches waiting to join it (training/pending), checked as one:
# ids, labels, splits, duplicates and near-duplicates.
find_program(STANCE_PYTHON3 NAMES python3 REQUIRED)
add_test(NAME corpus_check COMMAND ${STANCE_PYTHON3} ${PROJECT_SOURCE_DIR}/training/check_corpus.py
         ${PROJECT_SOURCE_DIR}/training/corpus.jsonl ${PROJECT_SOURCE_DIR}/training/pending/h36-h42.jsonl)
set_tests_properties(corpus_check PROPERTIES LABELS unit TIMEOUT 120)

# training/prototype/dump_features: one line per quote, "id kind:index:count ...", and a
# clear error (input line, exit 1) on a line that is not a quote.
add_test(NAME prototype_dump_features COMMAND sh -c "
  set -e
  out=$(head -n 20 '${PROJECT_SOURCE_DIR}/training/corpus.jsonl' | '$<TARGET_FILE:dump_features>' 3 5)
  [ $(printf '%s\\n' \"$out\" | wc -l) -eq 20 ]
  printf '%s\\n' \"$out\" | head -n 1 | grep -Eq '^h1-0001( [0-9]+:[0-9]+:[0-9]+)+$'
  printf '%s\\n' \"$out\" | grep -q ' 3:'   # character n-grams present
  if printf '{\"id\":\"a\",\"text\":\"fine\"}\\n[1]\\n' | '$<TARGET_FILE:dump_features>' 2>err >/dev/null; then exit 1; fi
  grep -q '<stdin>:2: not a quote' err")
set_tests_properties(prototype_dump_features PROPERTIES LABELS unit TIMEOUT 60)
