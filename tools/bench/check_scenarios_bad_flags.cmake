# The throughput, routing and cloth subcommands: every bad command line exits 64 (EX_USAGE) with a
# first stderr line naming the flag and the usage, nothing on stdout and no report written;
# malformed topology files exit 65; a plot without gnuplot exits 73 (gnuplot_missing); --help exits 0.
# Usage: cmake -DBENCH=<exe> -DWORK_DIR=<dir> -P check_scenarios_bad_flags.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v BENCH WORK_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_scenarios_bad_flags: ${v} is not set")
  endif()
endforeach()
get_filename_component(testdata "${CMAKE_CURRENT_LIST_DIR}/testdata" ABSOLUTE)
set(report "${WORK_DIR}/bad_flags_scenario.json")
file(REMOVE "${report}")

# "<arguments, space separated>|<text the first stderr line must contain>"
set(cases
  "throughput --rates|--rates"
  "throughput --rates 100,50|--rates"
  "throughput --rates 0|--rates"
  "throughput --rates 1kk|--rates"
  "throughput --rates abc --json ${report}|--rates"
  "throughput --payments 0|--payments"
  "throughput --knee 0|--knee"
  "throughput --knee 2|--knee"
  "throughput --collapse -1|--collapse"
  "throughput --ceiling-s 0|--ceiling-s"
  "throughput --threads 0|--threads"
  "throughput --tick-ms 0|--tick-ms"
  "throughput --commit-batch 0|--commit-batch"
  "throughput --commit-batch 484|--commit-batch"
  "throughput --verify-on-pool=yes|--verify-on-pool"
  "throughput --topology scale-free:1|--topology"
  "throughput --topology nowhere-2020|--topology"
  "throughput --plot ${WORK_DIR}/x.jpeg|--plot"
  "throughput --plot /no/such/dir/x.svg|--plot"
  "throughput --json ${WORK_DIR}|--json"
  "throughput --seed 1 --seed 2|--seed"
  "throughput stray|stray"
  "routing --sizes 1|--sizes"
  "routing --sizes 10k,1k|--sizes"
  "routing --sizes 11m|--sizes"
  "routing --sizes ,|--sizes"
  "routing --pairs 0|--pairs"
  "routing --channels-per-node 0.5|--channels-per-node"
  "routing --amount-median 0|--amount-median"
  "routing --no-real-graph=1|--no-real-graph"
  "routing --topology ./no/such/dir --json ${report}|--topology"
  "routing --plot ${WORK_DIR}/x.pdf|--plot"
  "routing --tick-ms 5|--tick-ms"
  "cloth --payment-rate 0|--payment-rate"
  "cloth --payment-rate nan|--payment-rate"
  "cloth --n-payments 0|--n-payments"
  "cloth --average-payment-amount 0|--average-payment-amount"
  "cloth --variance-payment-amount -1|--variance-payment-amount"
  "cloth --faulty-node-prob 1|--faulty-node-prob"
  "cloth --n_payments 5|--n_payments"
  "cloth --topology scale-free:abc --json ${report}|--topology"
  "cloth --data-dir /no/such/dir|--data-dir"
  "cloth --plot ${WORK_DIR}|--plot"
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
  elseif(EXISTS "${report}")
    set(problem "a report was written")
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

# Malformed files: exit 65, naming the file and line, for each scenario that reads a topology.
foreach(scenario throughput cloth routing)
  execute_process(COMMAND "${BENCH}" ${scenario} --topology "${testdata}/broken" --sizes 10 RESULT_VARIABLE rc
    ERROR_VARIABLE err OUTPUT_VARIABLE out)
  if(scenario STREQUAL "routing")
    set(ok_rc 65)
  else()
    set(ok_rc 64)  # --sizes is routing's flag: a usage error first
  endif()
  if(NOT rc EQUAL ok_rc)
    list(APPEND failures "  clearway-bench ${scenario} --topology broken --sizes 10: exit ${rc} (expected ${ok_rc}): ${err}")
  endif()
  if(NOT scenario STREQUAL "routing")
    execute_process(COMMAND "${BENCH}" ${scenario} --topology "${testdata}/broken" RESULT_VARIABLE rc
      ERROR_VARIABLE err OUTPUT_VARIABLE out)
    if(NOT rc EQUAL 65 OR NOT err MATCHES "edges_ln.csv:4")
      list(APPEND failures "  clearway-bench ${scenario} --topology broken: exit ${rc} (expected 65), stderr: ${err}")
    endif()
  elseif(NOT err MATCHES "edges_ln.csv:4")
    list(APPEND failures "  clearway-bench routing --topology broken: stderr does not name edges_ln.csv:4: ${err}")
  endif()
endforeach()

# Without gnuplot on PATH: the JSON is still written, then exit 73 with the named error.
file(REMOVE "${report}")
execute_process(COMMAND ${CMAKE_COMMAND} -E env PATH=/nonexistent "${BENCH}" routing --no-real-graph --sizes 100
  --pairs 10 --json "${report}" --plot "${WORK_DIR}/no_gnuplot.svg" RESULT_VARIABLE rc ERROR_VARIABLE err
  OUTPUT_VARIABLE out)
if(NOT rc EQUAL 73 OR NOT err MATCHES "--plot: gnuplot_missing" OR NOT EXISTS "${report}")
  list(APPEND failures "  routing --plot without gnuplot: exit ${rc} (expected 73), stderr: ${err}")
endif()
file(REMOVE "${report}")

foreach(help "throughput --help" "routing -h" "cloth --help" "help cloth")
  separate_arguments(args UNIX_COMMAND "${help}")
  execute_process(COMMAND "${BENCH}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "--json")
    list(APPEND failures "  clearway-bench ${help}: exit ${rc}, stdout: ${out}")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "bad command lines not handled as expected:\n${text}")
endif()
