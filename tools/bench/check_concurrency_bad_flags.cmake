# `clearway-bench concurrency` with a bad command line must exit 64 (EX_USAGE) with a first stderr
# line that names the problem and the usage on stderr; nothing on stdout. --help exits 0.
# Usage: cmake -DBENCH=<exe> -DWORK_DIR=<dir> -P check_concurrency_bad_flags.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v BENCH WORK_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_concurrency_bad_flags: ${v} is not set")
  endif()
endforeach()

# "<arguments, space separated>|<text the first stderr line must contain>"
set(cases
  "concurency|concurency"
  "concurrency --chanels 5|--chanels"
  "concurrency --channels|--channels"
  "concurrency --channels abc|--channels"
  "concurrency --channels 1|--channels"
  "concurrency --channels 99999999999999999999|--channels"
  "concurrency --in-flight 0|--in-flight"
  "concurrency --in-flight -3|--in-flight"
  "concurrency --in-flight 5 --in-flight 6|--in-flight"
  "concurrency --seed x|--seed"
  "concurrency --amount 0|--amount"
  "concurrency --threads 0|--threads"
  "concurrency --tick-ms 0|--tick-ms"
  "concurrency --close maybe|--close"
  "concurrency --rest-idle-ends maybe|--rest-idle-ends"
  "concurrency --settle-wave -1|--settle-wave"
  "concurrency --settle-wave x|--settle-wave"
  "concurrency --topology ln-2020-12|--topology"
  "concurrency --topology scale-free:1|--topology"
  "concurrency --topology scale-free:abc|--topology"
  "concurrency --channels 10 --topology scale-free:100|--topology"
  "concurrency --json /no/such/dir/out.json|--json"
  "concurrency --json ${WORK_DIR}|--json"
  "concurrency --plot ${WORK_DIR}/plot.txt|--plot"
  "concurrency --plot /no/such/dir/plot.svg|--plot"
  "concurrency --progress=yes|--progress"
  "concurrency stray|stray"
)

set(failures "")
foreach(case IN LISTS cases)
  string(FIND "${case}" "|" bar REVERSE)
  string(SUBSTRING "${case}" 0 ${bar} arg_text)
  math(EXPR after "${bar} + 1")
  string(SUBSTRING "${case}" ${after} -1 expected)
  separate_arguments(args UNIX_COMMAND "${arg_text}")
  execute_process(COMMAND "${BENCH}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX MATCH "^[^\n]*" first_line "${err}")
  set(problem "")
  if(NOT rc EQUAL 64)
    set(problem "exit ${rc}, expected 64")
  elseif(NOT out STREQUAL "")
    set(problem "printed on stdout: ${out}")
  elseif(NOT first_line MATCHES "^clearway-bench")
    set(problem "the first stderr line does not start with clearway-bench: ${first_line}")
  else()
    string(FIND "${first_line}" "${expected}" at)
    string(FIND "${err}" "usage: clearway-bench" usage_at)
    if(at EQUAL -1)
      set(problem "the first stderr line does not name '${expected}': ${first_line}")
    elseif(usage_at EQUAL -1)
      set(problem "no usage on stderr")
    endif()
  endif()
  if(problem)
    list(APPEND failures "  clearway-bench ${arg_text}: ${problem}")
  else()
    message(STATUS "ok (64): clearway-bench ${arg_text} -> ${first_line}")
  endif()
endforeach()

foreach(help "concurrency --help" "concurrency --channels 5 -h" "help concurrency")
  separate_arguments(args UNIX_COMMAND "${help}")
  execute_process(COMMAND "${BENCH}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "--in-flight")
    list(APPEND failures "  clearway-bench ${help}: exit ${rc}, stdout: ${out}")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "bad command lines not handled as expected:\n${text}")
endif()
