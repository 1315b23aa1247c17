# cmake -DBINARIES="a;b" -P check-runpath.cmake
# Fails when a binary's runpath has an empty entry: the dynamic loader reads one as the current
# directory, so a binary run from anywhere would load libraries planted there.
foreach(binary ${BINARIES})
  execute_process(COMMAND readelf -d ${binary} OUTPUT_VARIABLE dynamic RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "readelf -d ${binary} failed")
  endif()
  string(REGEX MATCH "Library (runpath|rpath): \\[([^]\n]*)\\]" found "${dynamic}")
  set(path "${CMAKE_MATCH_2}")
  if(path MATCHES "^:|::|:$")
    message(FATAL_ERROR "${binary}: runpath '${path}' has an empty entry (the current directory)")
  endif()
  message(STATUS "${binary}: runpath '${path}'")
endforeach()
