# The benchmark harness: a smoke run on a tiny corpus (bench/smoke.py). Timings are
# never asserted; the run checks the harness's own output and that the collapsed
# scorer agrees with libsvm's path on generated quotes.
if(STANCE_BENCH)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_Interpreter_FOUND)
    add_test(NAME bench_smoke COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bench/smoke.py
      $<TARGET_FILE:stance_bench>)
    set_tests_properties(bench_smoke PROPERTIES TIMEOUT 120 LABELS bench)
  endif()
endif()
