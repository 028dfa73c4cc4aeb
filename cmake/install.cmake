# Installation (`cmake --install build`) and the Debian package (`cpack -G DEB` in the build directory):
# the binary, its man page and its bash, zsh and fish completions. The man page and the completions are
# written by the binary just built (`legacyscan --generate ...`) from the option definitions --help
# prints, never kept as copies that could drift.
include(GNUInstallDirs)

set(LEGACYSCAN_GENERATED ${CMAKE_BINARY_DIR}/generated/share)
set(LEGACYSCAN_MAN_PAGE ${LEGACYSCAN_GENERATED}/legacyscan.1.gz)
set(LEGACYSCAN_BASH_COMPLETION ${LEGACYSCAN_GENERATED}/bash/legacyscan)
set(LEGACYSCAN_ZSH_COMPLETION ${LEGACYSCAN_GENERATED}/zsh/_legacyscan)
set(LEGACYSCAN_FISH_COMPLETION ${LEGACYSCAN_GENERATED}/fish/legacyscan.fish)
set(generated_files)
foreach(pair IN ITEMS "man|${LEGACYSCAN_MAN_PAGE}" "bash|${LEGACYSCAN_BASH_COMPLETION}"
                      "zsh|${LEGACYSCAN_ZSH_COMPLETION}" "fish|${LEGACYSCAN_FISH_COMPLETION}")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 kind)
  list(GET pair 1 out)
  get_filename_component(dir ${out} DIRECTORY)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:legacyscan> -DKIND=${kind} -DOUT=${out}
            -P ${PROJECT_SOURCE_DIR}/cmake/generate_file.cmake
    DEPENDS legacyscan ${PROJECT_SOURCE_DIR}/cmake/generate_file.cmake
    COMMENT "legacyscan --generate ${kind}"
    VERBATIM)
  list(APPEND generated_files ${out})
endforeach()
add_custom_target(legacyscan_docs ALL DEPENDS ${generated_files})

install(TARGETS legacyscan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${LEGACYSCAN_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${LEGACYSCAN_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${LEGACYSCAN_ZSH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${LEGACYSCAN_FISH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# Debian wants the copyright and a compressed changelog under /usr/share/doc/PACKAGE.
set(LEGACYSCAN_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/legacyscan)
configure_file(${PROJECT_SOURCE_DIR}/packaging/copyright ${CMAKE_BINARY_DIR}/generated/copyright COPYONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/generated/changelog.gz
  COMMAND sh -c "gzip -9n < \"$0\" > \"$1\"" ${PROJECT_SOURCE_DIR}/packaging/changelog
          ${CMAKE_BINARY_DIR}/generated/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog
  VERBATIM)
add_custom_target(legacyscan_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/generated/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/generated/copyright ${CMAKE_BINARY_DIR}/generated/changelog.gz
        DESTINATION ${LEGACYSCAN_DOC_DIR})

set(CPACK_PACKAGE_NAME legacyscan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(LEGACYSCAN_PACKAGE_CONTACT "legacyscan maintainers <legacyscan@example.org>"
    CACHE STRING "Maintainer of the Debian package (NAME <EMAIL>)")
set(CPACK_PACKAGE_CONTACT "${LEGACYSCAN_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scanner for legacy Windows protocols a server still accepts")
# Lines of at most 80 characters (lintian: extended-description-line-too-long).
set(CPACK_PACKAGE_DESCRIPTION
    "legacyscan finds the legacy protocols (SMB1, old SMB2 dialects, weak signing,\n\
RC4/DES Kerberos, old TLS, LDAP without signing, NetBIOS) a Windows or Active\n\
Directory server still accepts, shows which clients would break if they were\n\
switched off, and audits packet captures and event exports for the clients that\n\
still use them.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
