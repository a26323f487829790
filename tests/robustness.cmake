# Robustness: hostile input under a clock, allocation failures, threads, valgrind.
# Included from tests/CMakeLists.txt after every tests/test_*.c suite is registered.

# The "under a clock" budgets of test_pathological hold for an optimised build; sanitizers
# and -O0 multiply every cost by a roughly constant factor.
set(_stance_slow 1)
if(STANCE_SANITIZE OR STANCE_TSAN)
  set(_stance_slow 10)
elseif(CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(_stance_slow 4)
endif()
foreach(t test_pathological test_alloc test_threads)
  if(TARGET ${t})
    target_compile_definitions(${t} PRIVATE STANCE_SLOW_FACTOR=${_stance_slow})
    set_tests_properties(${t} PROPERTIES LABELS "unit;robustness")
  endif()
endforeach()

# ThreadSanitizer: Criterion's sandbox cannot start under TSan, so the thread suite is
# also built as a plain program there (`make tsan` runs it).
if(STANCE_TSAN)
  add_executable(test_threads_tsan ${CMAKE_CURRENT_SOURCE_DIR}/test_threads.c)
  target_compile_options(test_threads_tsan PRIVATE ${STANCE_WARNINGS})
  target_compile_definitions(test_threads_tsan PRIVATE _POSIX_C_SOURCE=200809L STANCE_NO_CRITERION
    STANCE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(test_threads_tsan PRIVATE stance_static ZLIB::ZLIB Threads::Threads m)
  add_test(NAME test_threads_tsan COMMAND test_threads_tsan)
  set_tests_properties(test_threads_tsan PROPERTIES LABELS "tsan;robustness"
    ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1")
endif()

# valgrind: the CLI (no fork, no sanitizer) on hostile inputs, every memory error fatal,
# every definite or indirect leak an error. Registered only with -DSTANCE_VALGRIND=ON
# (label "valgrind") so the normal suite stays fast; `make valgrind` configures
# build-valgrind that way and runs `ctest -L valgrind`.
option(STANCE_VALGRIND "Register the CLI-under-valgrind tests (label valgrind)" OFF)
find_program(VALGRIND valgrind)
if(STANCE_VALGRIND AND VALGRIND AND NOT STANCE_SANITIZE AND NOT STANCE_TSAN)
  set(_fz ${PROJECT_SOURCE_DIR}/tests/fuzz)
  set(_m ${_fz}/small.model)
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/valgrind)
  file(MAKE_DIRECTORY ${_out})
  # name | expected exit status | arguments (space-separated, no spaces inside one)
  set(_vg_cases
    "score_articles|0|score --model ${_m} --explain ${PROJECT_SOURCE_DIR}/tests/segment/articles/01-brannock-mills-takeover.txt ${_fz}/corpus/fuzz_segment/crlf-bom"
    "score_invalid_utf8|1|score --model ${_m} ${_fz}/corpus/fuzz_segment/nul-badutf8"
    "score_lossy|0|score --model ${_m} --lossy --format table ${_fz}/corpus/fuzz_segment/nul-badutf8 ${_fz}/corpus/fuzz_segment/unclosed"
    "quotes|0|score --model ${_m} --explain 3 -j 2 --quotes ${_fz}/corpus/fuzz_quotes/jsonl"
    "quotes_bad|1|score --model ${_m} --quotes ${_fz}/corpus/fuzz_quotes/bad"
    "lines_lossy|0|score --model ${_m} --lossy --lines ${_fz}/corpus/fuzz_quotes/bad"
    "segment_dir|0|segment --lossy --format tsv ${_fz}/corpus/fuzz_segment"
    "model_bad|1|score --model ${_fz}/corpus/fuzz_quotes/jsonl --lines ${_fz}/corpus/fuzz_quotes/plain-lines"
    "eval_bad|1|eval ${_fz}/corpus/fuzz_dataset/bad-label --model ${_m}"
    "eval|0|eval ${_fz}/small.jsonl --model ${_m} --json"
    "train_bad|1|train ${_fz}/corpus/fuzz_dataset/bad-json -o ${_out}/never.model --quiet"
    "train|0|train ${_fz}/small.jsonl -o ${_out}/vg.model --quiet --folds 2 --log2c_min 0 --log2c_max 0 --hash_bits 10 --threads 2"
  )
  foreach(c ${_vg_cases})
    string(REPLACE "|" ";" parts "${c}")
    list(GET parts 0 name)
    list(GET parts 1 want)
    list(GET parts 2 args)
    file(GENERATE OUTPUT ${_out}/${name}.cmake CONTENT
"execute_process(COMMAND ${VALGRIND} --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --quiet $<TARGET_FILE:stance_cli> ${args}
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc STREQUAL \"${want}\")
  message(FATAL_ERROR \"valgrind ${name}: exit \${rc}, expected ${want} (99 = valgrind found an error)\\n\${err}\")
endif()
")
    add_test(NAME valgrind_${name} COMMAND ${CMAKE_COMMAND} -P ${_out}/${name}.cmake)
    set_tests_properties(valgrind_${name} PROPERTIES LABELS valgrind TIMEOUT 600)
  endforeach()
endif()
