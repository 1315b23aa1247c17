# cmake -DBUILD_DIR=... -DWORK_DIR=... -DHOST_SOURCE=... -DLIBDIR=lib[/MULTIARCH] -P RunAgainstInstall.cmake
# Installs the build into a scratch prefix, builds the external host against that prefix only,
# runs it, and checks what it printed.
file(REMOVE_RECURSE ${WORK_DIR})
# The relinked binaries (their install runpath) come from the preinstall target.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target preinstall RESULT_VARIABLE status OUTPUT_QUIET)
if(status)
  message(FATAL_ERROR "building preinstall failed: ${status}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
  RESULT_VARIABLE status OUTPUT_QUIET)
if(status)
  message(FATAL_ERROR "cmake --install failed: ${status}")
endif()
foreach(installed include/falcon/plugin/Action.h include/falcon/plugin/falcon_plugin.h
        ${LIBDIR}/libfalcon-plugin-api.so ${LIBDIR}/libfalcon-plugin-api.so.2 ${LIBDIR}/libfalcon-plugin-api.so.2.0.0 ${LIBDIR}/falcon-plugins/libfalcon-oauth2-plugin.so
        ${LIBDIR}/falcon-plugins/falcon-oauth2/libfalcon-oauth2-wire.so
        share/falcon-oauth2-plugin/schema/connection.schema.json ${LIBDIR}/cmake/FalconPluginApi/FalconPluginApiConfig.cmake)
  if(NOT EXISTS ${WORK_DIR}/prefix/${installed})
    message(FATAL_ERROR "not installed: ${installed}")
  endif()
endforeach()
# A host that is not C++ dlopens the module from wherever the prefix is: its runpath finds the
# API library one directory up (no LD_LIBRARY_PATH, no ldconfig).
execute_process(COMMAND python3 -c "import ctypes, sys; m = ctypes.CDLL(sys.argv[1]); print('api', m.falcon_plugin_api_version())"
          ${WORK_DIR}/prefix/${LIBDIR}/falcon-plugins/libfalcon-oauth2-plugin.so
        ${LIBDIR}/falcon-plugins/falcon-oauth2/libfalcon-oauth2-wire.so
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status OR NOT out MATCHES "api 2")
  message(FATAL_ERROR "ctypes could not load the installed module:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${HOST_SOURCE} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status)
  message(FATAL_ERROR "configuring the external host failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status)
  message(FATAL_ERROR "building the external host failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/external-host RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "external-host printed:\n${out}${err}")
if(status)
  message(FATAL_ERROR "the external host failed: ${status}")
endif()
foreach(expected "oauth2AccessToken token schema-ok" "oauth2RevokeToken revoke schema-ok" "token 400 invalid_input")
  string(FIND "${out}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "the external host did not print '${expected}'")
  endif()
endforeach()
message(STATUS "1 passed, 0 failed")
