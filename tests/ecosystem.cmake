# Ecosystem tests (issue 8): install and use like a real library, man page vs --help,
# output formats, progress on a terminal, the HTML report in a browser, the Python
# binding, and scale-out with GNU parallel. Scripts live in tests/ecosystem/.
set(STANCE_ECO_DIR ${CMAKE_CURRENT_SOURCE_DIR}/ecosystem)
set(STANCE_ECO_PREFIX ${PROJECT_BINARY_DIR}/ecosystem/prefix)
if(EXISTS /usr/bin/python3)
  set(STANCE_ECO_PYTHON /usr/bin/python3)
else()
  find_program(STANCE_ECO_PYTHON NAMES python3 REQUIRED)
endif()

# In a sanitized build the installed library is instrumented: consumers are built with
# the same flags, and Python (not instrumented) gets the ASan runtime preloaded.
string(REPLACE ";" " " _eco_cflags "${STANCE_SAN_FLAGS}")
set(_eco_env "CC=${CMAKE_C_COMPILER}" "CFLAGS=${_eco_cflags}")
set(_eco_py_env "CC=${CMAKE_C_COMPILER}")
if(STANCE_SANITIZE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _eco_asan OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _eco_py_env "LD_PRELOAD=${_eco_asan}" "ASAN_OPTIONS=detect_leaks=0")
endif()

# 1. install into a prefix that is not the configured one and build against it; the
#    prefix stays for the Python binding test (fixture stance_installed).
add_test(NAME ecosystem_install
  COMMAND sh ${STANCE_ECO_DIR}/install.sh ${PROJECT_BINARY_DIR} ${STANCE_ECO_PREFIX} ${CMAKE_INSTALL_FULL_DATADIR})
set_tests_properties(ecosystem_install PROPERTIES FIXTURES_SETUP stance_installed
  LABELS ecosystem TIMEOUT 300 ENVIRONMENT "${_eco_env}")

# 2. the man page names exactly the options of every --help, every JSON field and exit status
add_test(NAME ecosystem_man_vs_help
  COMMAND ${STANCE_ECO_PYTHON} ${STANCE_ECO_DIR}/man_vs_help.py $<TARGET_FILE:stance_cli> ${PROJECT_SOURCE_DIR}/doc/stance.1)

# 3. --format json|jsonl|tsv|table for score and segment (colour checked on a pty)
add_test(NAME ecosystem_formats
  COMMAND ${STANCE_ECO_PYTHON} ${STANCE_ECO_DIR}/formats.py $<TARGET_FILE:stance_cli> ${PROJECT_SOURCE_DIR})

# 4. progress on a terminal only
add_test(NAME ecosystem_progress
  COMMAND sh ${STANCE_ECO_DIR}/progress.sh $<TARGET_FILE:stance_cli> ${PROJECT_SOURCE_DIR})

# 5. eval --report in headless Chromium; 77 = chromium absent (a failure when
#    STANCE_REQUIRE_CHROMIUM=1)
add_test(NAME ecosystem_report_chromium
  COMMAND ${STANCE_ECO_PYTHON} ${STANCE_ECO_DIR}/report_chromium.py $<TARGET_FILE:stance_cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(ecosystem_report_chromium PROPERTIES SKIP_RETURN_CODE 77)

# 6. the Python binding against the installed library
add_test(NAME ecosystem_python
  COMMAND ${STANCE_ECO_PYTHON} ${PROJECT_SOURCE_DIR}/bindings/python/test_stance.py ${STANCE_ECO_PREFIX}
          ${PROJECT_SOURCE_DIR})
set_tests_properties(ecosystem_python PROPERTIES FIXTURES_REQUIRED stance_installed
  ENVIRONMENT "${_eco_py_env}")

# 7. GNU parallel --pipe -k gives the bytes of one process
add_test(NAME ecosystem_parallel
  COMMAND sh ${STANCE_ECO_DIR}/parallel.sh $<TARGET_FILE:stance_cli> ${PROJECT_SOURCE_DIR})

set_tests_properties(ecosystem_man_vs_help ecosystem_formats ecosystem_progress ecosystem_report_chromium
  ecosystem_python ecosystem_parallel PROPERTIES LABELS ecosystem TIMEOUT 300)
