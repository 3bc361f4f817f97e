# Debian packages with CPack's DEB generator (scripts/package runs it):
#
#   digikam-plugin-dkcloud  the plugin, depending on the digiKam release it was
#                           compiled against, any Debian build of it (section graphics)
#   dkcloud                 the command-line tool, its man pages and bash, zsh
#                           and fish completions (section utils)
#   dkcloud-emulator        the local OneDrive/Dropbox server (section net)
#
# One build definition for the plugin and its packages: the cargo step of
# DkCloudCargo.cmake already builds `dkcloud` and `dkcloud-emulator` beside the
# plugin's Rust library. With a prebuilt library (no cargo, e.g. in the Debian
# 13 root) only the plugin's package is made.
#
# Needs: dpkg-query (the digiKam dependency), gzip, strip; dpkg-shlibdeps
# (dpkg-dev) and file for the library dependencies when they are installed.

set(DKCLOUD_PACKAGE_MAINTAINER "dkcloud maintainers <maintainers@users.noreply.b-seed-de996200.example>"
    CACHE STRING "Maintainer: field of the Debian packages")
set(_debian "${PROJECT_SOURCE_DIR}/packaging/debian")
set(_staged "${CMAKE_BINARY_DIR}/package")

# The package that holds the libdigikamcore we linked, and its version.
if(NOT DKCLOUD_DIGIKAMCORE_LIBRARY)
    message(FATAL_ERROR "DKCLOUD_PACKAGE: no libdigikamcore path to find digiKam's package by")
endif()
get_filename_component(_digikamcore "${DKCLOUD_DIGIKAMCORE_LIBRARY}" REALPATH)
execute_process(COMMAND dpkg-query -S "${_digikamcore}" OUTPUT_VARIABLE _owner RESULT_VARIABLE _rc ERROR_QUIET)
string(REGEX REPLACE ":.*" "" _digikam_package "${_owner}")
if(NOT _rc EQUAL 0 OR NOT _digikam_package)
    message(FATAL_ERROR "DKCLOUD_PACKAGE: no Debian package holds ${_digikamcore} (dpkg-query -S)")
endif()
execute_process(COMMAND dpkg-query -W "-f=\${Version}" "${_digikam_package}" OUTPUT_VARIABLE _digikam_package_version)
# The plugin needs the upstream release it was built against (the loader
# compares versions, libdigikamcore's soname is X.Y.Z), not Debian's exact
# rebuild of it: a binNMU (+bN) or a new Debian revision of the same release
# keeps its binary interface (docs/packages.md, "Which digiKam builds the
# plugin accepts"). So: any Debian build of X.Y.Z, with Debian's epoch.
string(REGEX MATCH "^([0-9]+:)?([^-]+)(-.*)?$" _m "${_digikam_package_version}")
set(_digikam_epoch "${CMAKE_MATCH_1}")
set(_digikam_upstream "${CMAKE_MATCH_2}")
if(NOT _m OR NOT _digikam_upstream MATCHES "^${DKCLOUD_DIGIKAM_VERSION}([~+.].*)?$")
    message(FATAL_ERROR "DKCLOUD_PACKAGE: ${_digikam_package} ${_digikam_package_version} is not digiKam ${DKCLOUD_DIGIKAM_VERSION}, the release of ${_digikamcore}")
endif()
string(REGEX MATCH "^([0-9]+)\\.([0-9]+)\\.([0-9]+)$" _m "${DKCLOUD_DIGIKAM_VERSION}")
math(EXPR _digikam_next_patch "${CMAKE_MATCH_3} + 1")
set(DKCLOUD_DIGIKAM_DEPENDENCY
    "${_digikam_package} (>= ${_digikam_epoch}${DKCLOUD_DIGIKAM_VERSION}), ${_digikam_package} (<< ${_digikam_epoch}${CMAKE_MATCH_1}.${CMAKE_MATCH_2}.${_digikam_next_patch}~)")

file(STRINGS /etc/os-release _codename REGEX "^VERSION_CODENAME=")
string(REGEX REPLACE "^VERSION_CODENAME=\"?([a-z]*)\"?$" "\\1" _codename "${_codename}")
if(NOT _codename)
    set(_codename unknown)
endif()
set(DKCLOUD_DEB_REVISION "1~${_codename}")
set(DKCLOUD_DEB_VERSION "${PROJECT_VERSION}-${DKCLOUD_DEB_REVISION}")
set(DKCLOUD_DEB_DISTRIBUTION "${_codename}")
string(TIMESTAMP DKCLOUD_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
message(STATUS "dkcloud: Debian packages ${DKCLOUD_DEB_VERSION}; the plugin depends on ${DKCLOUD_DIGIKAM_DEPENDENCY}")

# scripts/package builds the Qt 6 plugin in the Debian 13 root with this library.
file(WRITE "${CMAKE_BINARY_DIR}/dkcloud-ffi-library.txt" "${DKCLOUD_FFI_LIBRARY}")

set(_components plugin)
if(TARGET dkcloud_ffi_cargo AND DKCLOUD_FFI_LIBRARY MATCHES "/release/")
    list(APPEND _components cli emulator)
else()
    message(STATUS "dkcloud: no cargo release build here: only the plugin's package")
endif()

# Staged files: changelog and man pages gzipped as Debian wants them (-n: no
# name or time inside, so rebuilds are identical), the Rust programs stripped,
# man pages and completions written by `dkcloud generate-docs`.
configure_file("${_debian}/changelog.in" "${_staged}/changelog.Debian" @ONLY)
set(_stage_commands
    COMMAND gzip -9nf -k "${_staged}/changelog.Debian"
    COMMAND ${CMAKE_COMMAND} -E copy "${_debian}/dkcloud-disable-builtin-exporters.1" "${_staged}/"
    COMMAND gzip -9nf "${_staged}/dkcloud-disable-builtin-exporters.1")
set(_stage_depends)
if(cli IN_LIST _components)
    get_filename_component(_rust_bin "${DKCLOUD_FFI_LIBRARY}" DIRECTORY)
    list(APPEND _stage_commands
        COMMAND ${CMAKE_COMMAND} -E rm -rf "${_staged}/docs" "${_staged}/bin"
        COMMAND ${CMAKE_COMMAND} -E make_directory "${_staged}/bin"
        COMMAND strip --strip-unneeded --remove-section=.comment -o "${_staged}/bin/dkcloud" "${_rust_bin}/dkcloud"
        COMMAND strip --strip-unneeded --remove-section=.comment -o "${_staged}/bin/dkcloud-emulator" "${_rust_bin}/dkcloud-emulator"
        COMMAND "${_staged}/bin/dkcloud" generate-docs "${_staged}/docs"
        COMMAND find "${_staged}/docs/man" -name "*.1" -exec gzip -9nf {} +)
    set(_stage_depends dkcloud_ffi_cargo)
endif()
add_custom_target(dkcloud_package_files ALL ${_stage_commands} COMMENT "Staging the Debian packages' files" VERBATIM)
if(_stage_depends)
    add_dependencies(dkcloud_package_files ${_stage_depends})
endif()

# Every package: copyright and changelog in /usr/share/doc/<package>/.
set(_package_plugin digikam-plugin-dkcloud)
set(_package_cli dkcloud)
set(_package_emulator dkcloud-emulator)
foreach(component IN LISTS _components)
    install(FILES "${_debian}/copyright" "${_staged}/changelog.Debian.gz"
            DESTINATION "share/doc/${_package_${component}}" COMPONENT ${component})
endforeach()

install(FILES "${_staged}/dkcloud-disable-builtin-exporters.1.gz" DESTINATION share/man/man1 COMPONENT plugin)

# The two packages holding the Rust photo preparer (and its libjpeg-turbo).
foreach(component_user plugin:${_plugin_dir}/Generic_DkCloud_Plugin.so cli:bin/dkcloud)
    string(REPLACE ":" ";" _pair "${component_user}")
    list(GET _pair 0 _component)
    list(GET _pair 1 _user)
    if(_component IN_LIST _components)
        set(DKCLOUD_JPEG_USER "usr/${_user}")
        configure_file("${_debian}/lintian-overrides.in" "${_staged}/lintian/${_package_${_component}}" @ONLY)
        if(_component STREQUAL "plugin")
            # The BQM module holds the same Rust library.
            file(APPEND "${_staged}/lintian/${_package_${_component}}" "embedded-library libjpeg [usr/${_bqm_dir}/Bqm_DkCloud_Plugin.so]\n")
        endif()
        install(FILES "${_staged}/lintian/${_package_${_component}}" DESTINATION share/lintian/overrides COMPONENT ${_component})
    endif()
endforeach()

if(cli IN_LIST _components)
    set(_docs "${_staged}/docs")
    install(PROGRAMS "${_staged}/bin/dkcloud" DESTINATION bin COMPONENT cli)
    install(DIRECTORY "${_docs}/man/" DESTINATION share/man/man1 COMPONENT cli
            FILES_MATCHING PATTERN "dkcloud*.1.gz" PATTERN "dkcloud-emulator*" EXCLUDE)
    install(PROGRAMS "${_staged}/bin/dkcloud-emulator" DESTINATION bin COMPONENT emulator)
    install(FILES "${_docs}/man/dkcloud-emulator.1.gz" DESTINATION share/man/man1 COMPONENT emulator)
    foreach(program_component dkcloud:cli dkcloud-emulator:emulator)
        string(REPLACE ":" ";" _pair "${program_component}")
        list(GET _pair 0 _program)
        list(GET _pair 1 _component)
        install(FILES "${_docs}/completions/${_program}.bash" DESTINATION share/bash-completion/completions
                RENAME ${_program} COMPONENT ${_component})
        install(FILES "${_docs}/completions/_${_program}" DESTINATION share/zsh/vendor-completions COMPONENT ${_component})
        install(FILES "${_docs}/completions/${_program}.fish" DESTINATION share/fish/vendor_completions.d COMPONENT ${_component})
    endforeach()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dkcloud)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${DKCLOUD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL ${_components})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE "${DKCLOUD_DEB_REVISION}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DKCLOUD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SOURCE dkcloud)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# CPack runs dpkg-shlibdeps on the files `file` says are ELF objects.
find_program(DKCLOUD_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(DKCLOUD_FILE_TOOL file)
set(_plugin_fallback_depends "")
if(DKCLOUD_DPKG_SHLIBDEPS AND DKCLOUD_FILE_TOOL)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    # libdigikamcore lives in digiKam's private folder (/usr/lib/digikam).
    get_filename_component(_digikam_dir "${_digikamcore}" DIRECTORY)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${_digikam_dir}")
else()
    message(STATUS "dkcloud: no dpkg-shlibdeps or file (apt-get install dpkg-dev file): the packages name only digiKam and the C/C++ runtime")
    set(_plugin_fallback_depends ", libc6, libgcc-s1, libstdc++6")
    set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "libc6, libgcc-s1")
    set(CPACK_DEBIAN_EMULATOR_PACKAGE_DEPENDS "libc6, libgcc-s1")
endif()

set(CPACK_DEBIAN_PLUGIN_PACKAGE_NAME digikam-plugin-dkcloud)
set(CPACK_DEBIAN_PLUGIN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PLUGIN_PACKAGE_DEPENDS "${DKCLOUD_DIGIKAM_DEPENDENCY}${_plugin_fallback_depends}")
set(CPACK_DEBIAN_PLUGIN_PACKAGE_ENHANCES "digikam, showfoto")
set(CPACK_DEBIAN_PLUGIN_PACKAGE_SUGGESTS "dkcloud")
set(CPACK_DEBIAN_PLUGIN_DESCRIPTION "digiKam plugin: export photos to OneDrive and Dropbox
Adds Export to OneDrive and Export to Dropbox to digiKam and showfoto
${DKCLOUD_DIGIKAM_VERSION} (Qt ${DKCLOUD_QT_MAJOR}): resumable, parallel uploads verified
against the service's hash, optional resizing, and a choice of what happens
when a photo of that name is already there. The network work runs in a Rust
engine linked into the plugin.")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME dkcloud)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS "dkcloud-emulator, systemd")
set(CPACK_DEBIAN_CLI_DESCRIPTION "upload photos and folders to OneDrive and Dropbox
dkcloud logs in to OneDrive and Dropbox (browser, pasted code or device
code), lists and creates folders, and uploads files and folders: resumable
after a crash, several files at once, verified against the service's hash,
optionally resized. Scheduled uploads run as systemd user timers (or cron)
and never overlap.")

set(CPACK_DEBIAN_EMULATOR_PACKAGE_NAME dkcloud-emulator)
set(CPACK_DEBIAN_EMULATOR_PACKAGE_SECTION net)
set(CPACK_DEBIAN_EMULATOR_DESCRIPTION "local OneDrive and Dropbox server for tests and offline use
dkcloud-emulator serves the Microsoft identity platform and Graph drive API
and Dropbox's OAuth and API v2 on one local port, storing files in a folder,
with optional latency, bandwidth limits and injected failures. dkcloud and
its tests run against it.")

include(CPack)
