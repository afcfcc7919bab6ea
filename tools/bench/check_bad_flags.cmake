# Every bad command line must exit 64 (EX_USAGE) with a first stderr line that names the problem
# (the flag, or the stray word) and the usage; nothing on stdout. Malformed topology files exit 65.
# Usage: cmake -DBENCH=<exe> -DWORK_DIR=<dir> -P check_bad_flags.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v BENCH WORK_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_bad_flags: ${v} is not set")
  endif()
endforeach()
get_filename_component(testdata "${CMAKE_CURRENT_LIST_DIR}/testdata" ABSOLUTE)

# "<arguments, space separated>|<text the first stderr line must contain>"
set(cases
  "|missing subcommand"
  "simulat|simulat"
  "simulate --paymnts 5|--paymnts"
  "simulate --payments|--payments"
  "simulate --payments --seed 3|--payments"
  "simulate --payments abc|--payments"
  "simulate --payments 12x|--payments"
  "simulate --payments 0|--payments"
  "simulate --payments 99999999999999999999999|--payments"
  "simulate --payments=|--payments"
  "simulate --seed -1|--seed"
  "simulate --seed 18446744073709551616|--seed"
  "simulate --seed 1 --seed 2|--seed"
  "simulate --rate 0|--rate"
  "simulate --rate nan|--rate"
  "simulate --rate inf|--rate"
  "simulate --amount-median 0.5|--amount-median"
  "simulate --amount-sigma 1e999|--amount-sigma"
  "simulate --threads 0|--threads"
  "simulate --threads 4294967297|--threads"
  "simulate --tick-ms 0|--tick-ms"
  "simulate --receivers everyone|--receivers"
  "simulate --topology nowhere-2020|--topology"
  "simulate --topology scale-free:1|--topology"
  "simulate --topology scale-free:abc|--topology"
  "simulate --topology scale-free:99999999999|--topology"
  "simulate --topology ./no/such/dir|--topology"
  "simulate --topology ${testdata}|--topology"
  "simulate --topology ln-2020-12 --data-dir ${WORK_DIR}|--topology"
  "simulate --data-dir /no/such/dir|--data-dir"
  "simulate --json /no/such/dir/out.json|--json"
  "simulate --json ${WORK_DIR}|--json"
  "simulate --progress=yes|--progress"
  "simulate stray|stray"
  "simulate -p 3|-p"
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

# Malformed files: exit 65, naming the file and line.
execute_process(COMMAND "${BENCH}" simulate --topology "${testdata}/broken" RESULT_VARIABLE rc ERROR_VARIABLE err
  OUTPUT_VARIABLE out)
if(NOT rc EQUAL 65 OR NOT err MATCHES "edges_ln.csv:4")
  list(APPEND failures "  clearway-bench simulate --topology broken: exit ${rc} (expected 65), stderr: ${err}")
else()
  message(STATUS "ok (65): ${err}")
endif()

# --help: exit 0, the flags on stdout.
foreach(help "simulate --help" "simulate --seed 3 -h" "help simulate" "--help")
  separate_arguments(args UNIX_COMMAND "${help}")
  execute_process(COMMAND "${BENCH}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "simulate")
    list(APPEND failures "  clearway-bench ${help}: exit ${rc}, stdout: ${out}")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "bad command lines not handled as expected:\n${text}")
endif()
