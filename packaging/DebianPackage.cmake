# falcon_debian_package(NAME COMPONENT c SECTION s [ARCHITECTURE a] [DEPENDS component...]
#   [PACKAGE_DEPENDS "debian, deps"] [CONTROL_EXTRA file...] [NO_SHLIBDEPS] SUMMARY text DESCRIPTION text)
#
# One Debian package made from the install component `c`: its name, section, architecture (the
# machine's unless given), the packages of this build it depends on (by component) and Debian's
# (PACKAGE_DEPENDS, beside what dpkg-shlibdeps finds unless NO_SHLIBDEPS), maintainer files of
# its own (CONTROL_EXTRA, relative to packaging/), and its description. Every package carries the
# copyright file and the changelog, and its lintian overrides when packaging/lintian has some.
function(falcon_debian_package name)
  cmake_parse_arguments(PACKAGE "NO_SHLIBDEPS" "COMPONENT;SECTION;ARCHITECTURE;PACKAGE_DEPENDS;SUMMARY;DESCRIPTION"
    "DEPENDS;CONTROL_EXTRA" ${ARGN})
  string(TOUPPER ${PACKAGE_COMPONENT} COMPONENT)
  set(prefix CPACK_DEBIAN_${COMPONENT}_PACKAGE)
  list(APPEND CPACK_COMPONENTS_ALL ${PACKAGE_COMPONENT})
  set(CPACK_COMPONENTS_ALL ${CPACK_COMPONENTS_ALL} PARENT_SCOPE)
  set(${prefix}_NAME ${name} PARENT_SCOPE)
  set(${prefix}_SECTION ${PACKAGE_SECTION} PARENT_SCOPE)
  if(PACKAGE_ARCHITECTURE)
    set(${prefix}_ARCHITECTURE ${PACKAGE_ARCHITECTURE} PARENT_SCOPE)
  endif()
  if(PACKAGE_DEPENDS)
    set(CPACK_COMPONENT_${COMPONENT}_DEPENDS ${PACKAGE_DEPENDS} PARENT_SCOPE)
  endif()
  if(PACKAGE_PACKAGE_DEPENDS)
    set(${prefix}_DEPENDS "${PACKAGE_PACKAGE_DEPENDS}" PARENT_SCOPE)
  endif()
  if(PACKAGE_NO_SHLIBDEPS)
    set(${prefix}_SHLIBDEPS OFF PARENT_SCOPE)
  endif()
  if(PACKAGE_CONTROL_EXTRA)
    list(TRANSFORM PACKAGE_CONTROL_EXTRA PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)
    set(${prefix}_CONTROL_EXTRA ${PACKAGE_CONTROL_EXTRA} PARENT_SCOPE)
    set(${prefix}_CONTROL_STRICT_PERMISSION ON PARENT_SCOPE)
  endif()
  # Debian's description: the summary, then the long text in lines of at most 79 columns.
  falcon_wrap("${PACKAGE_DESCRIPTION}" 78 wrapped)
  set(CPACK_COMPONENT_${COMPONENT}_DESCRIPTION "${PACKAGE_SUMMARY}\n${wrapped}" PARENT_SCOPE)

  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/copyright ${FALCON_DEB_CHANGELOG}
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${name} COMPONENT ${PACKAGE_COMPONENT})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/lintian/${name})
    install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/lintian/${name}
      DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides COMPONENT ${PACKAGE_COMPONENT})
  endif()
endfunction()

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
