# Debian packages from the install components (scripts/package runs cpack): the runtime library,
# its development package, the plugin module with its schemas, falcon-host, and the Python
# package with the engines' metadata. Stripped, with -dbgsym packages for the debug symbols;
# shlibs and dependencies computed by dpkg-shlibdeps.
set(FALCON_DEB_MAINTAINER "Falcon native OAuth2 maintainers <maintainers@falcon-native-oauth2.org>")
set(FALCON_DEB_RELEASE 1)

# name, component, section, architecture ("" for the machine's), summary, description
set(FALCON_DEB_PACKAGES
  "libfalcon-plugin-api1|runtime|libs||host side of the Falcon plugin contract (shared library)|The library that hosts of the Falcon OAuth2 plugin link: the plugin loader, which checks a module's API version and C++ toolchain before loading it, the action interface, and a JSON Schema validator that reports every problem by path."
  "libfalcon-plugin-api-dev|dev|libdevel||host side of the Falcon plugin contract (development files)|Headers of the C++ plugin API and of the plain C interface (falcon_plugin.h), the CMake package FalconPluginApi and a pkg-config file whose plugindir and schemadir variables say where the module and its schemas are installed."
  "falcon-oauth2-plugin|plugin|net||CrowdStrike Falcon OAuth2 actions as a plugin module|A Poco-based plugin module with the two CrowdStrike Falcon OAuth2 actions, oauth2AccessToken and oauth2RevokeToken, speaking FalconPy's wire contract with keep-alive, single-flight token renewal, bounded retries, strict TLS, redaction of every secret and a token cache shared between processes (a file store or Redis). Includes the JSON Schemas of the actions and the connection."
  "falcon-host|host|net||run the CrowdStrike Falcon OAuth2 actions from the command line|falcon-host loads the Falcon OAuth2 plugin, validates inputs against its schemas, runs single actions and declarative YAML workflows whose steps feed each other. Repeated runs share one token through a file store. Includes the man page, bash completion and example workflows."
  "python3-falcon-oauth2|python|python|all|FalconPy's OAuth2 interface over the native Falcon OAuth2 plugin|The falcon_oauth2 package keeps FalconPy's OAuth2 and APIHarnessV2 interfaces for the two OAuth2 operations and runs the native plugin underneath through its C interface. Also ships the Ansible collection falcon_native.oauth2 (a tarball for ansible-galaxy) and the StackStorm pack falcon_native_oauth2, both generated from the plugin's schemas.")

# `text` in lines of at most `width` characters, into `out`.
function(falcon_wrap text width out)
  string(REPLACE " " ";" words "${text}")
  set(lines "")
  set(line "")
  foreach(word ${words})
    string(LENGTH "${line} ${word}" length)
    if(line AND length GREATER width)
      string(APPEND lines "${line}\n")
      set(line "${word}")
    elseif(line)
      set(line "${line} ${word}")
    else()
      set(line "${word}")
    endif()
  endforeach()
  set(${out} "${lines}${line}" PARENT_SCOPE)
endfunction()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME falcon-native-oauth2)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${FALCON_DEB_MAINTAINER})
set(CPACK_PACKAGE_VENDOR "Falcon native OAuth2 maintainers")
# Apache-2.0: each package's copyright file says so in Debian's format (packaging/copyright).
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${FALCON_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SOURCE falcon-native-oauth2)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libfalcon-plugin-api is in this build, not yet installed: dpkg-shlibdeps looks for it here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/plugin/api)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")
# The debug symbols go into -dbgsym packages, and the binaries are stripped on the way (CPack
# does both; CPACK_STRIP_FILES would strip them before it could keep the symbols).
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
# ldconfig runs from a trigger, as Debian wants (packaging/finish-packages drops the maintainer
# scripts CPack writes for it).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/triggers)
set(CPACK_COMPONENTS_ALL)
set(FALCON_DEB_CHANGELOG ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)

foreach(entry ${FALCON_DEB_PACKAGES})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 1 component)
  list(GET fields 2 section)
  list(GET fields 3 architecture)
  list(GET fields 4 summary)
  list(GET fields 5 description)
  string(TOUPPER ${component} COMPONENT)
  list(APPEND CPACK_COMPONENTS_ALL ${component})
  set(CPACK_DEBIAN_${COMPONENT}_PACKAGE_NAME ${name})
  set(CPACK_DEBIAN_${COMPONENT}_PACKAGE_SECTION ${section})
  if(architecture)
    set(CPACK_DEBIAN_${COMPONENT}_PACKAGE_ARCHITECTURE ${architecture})
  endif()
  # Debian's description: the summary, then the long text in lines of at most 79 columns.
  falcon_wrap("${description}" 78 wrapped)
  set(CPACK_COMPONENT_${COMPONENT}_DESCRIPTION "${summary}\n${wrapped}")
  # Every package carries its copyright and changelog; lintian overrides where it has any.
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${FALCON_DEB_CHANGELOG} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${name} COMPONENT ${component})
  if(EXISTS ${PROJECT_SOURCE_DIR}/packaging/lintian/${name})
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian/${name} DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides COMPONENT ${component})
  endif()
endforeach()

set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_COMPONENT_PLUGIN_DEPENDS runtime)
set(CPACK_COMPONENT_HOST_DEPENDS plugin)
set(CPACK_COMPONENT_PYTHON_DEPENDS plugin)
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "python3 (>= 3.9)")
set(CPACK_DEBIAN_PYTHON_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/python3-falcon-oauth2/postinst
  ${PROJECT_SOURCE_DIR}/packaging/python3-falcon-oauth2/prerm)
set(CPACK_DEBIAN_PYTHON_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libpoco-dev")
# Development and Python packages hold no ELF file of their own to compute dependencies from.
set(CPACK_DEBIAN_PYTHON_PACKAGE_SHLIBDEPS OFF)

add_custom_command(OUTPUT ${FALCON_DEB_CHANGELOG}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/changelog > ${FALCON_DEB_CHANGELOG}
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog)
add_custom_target(falcon-deb-changelog ALL DEPENDS ${FALCON_DEB_CHANGELOG})

include(CPack)
