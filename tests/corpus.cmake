# The labelled corpus and the batches waiting to join it (training/pending), checked as one:
# ids, labels, splits, duplicates and near-duplicates.
find_program(STANCE_PYTHON3 NAMES python3 REQUIRED)
add_test(NAME corpus_check COMMAND ${STANCE_PYTHON3} ${PROJECT_SOURCE_DIR}/training/check_corpus.py
         ${PROJECT_SOURCE_DIR}/training/corpus.jsonl ${PROJECT_SOURCE_DIR}/training/pending/h36-h42.jsonl)
set_tests_properties(corpus_check PROPERTIES LABELS unit TIMEOUT 120)
