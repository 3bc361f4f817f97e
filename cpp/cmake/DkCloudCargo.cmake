# Builds the Rust static library (rust/ffi) with cargo and exposes it as the
# imported target dkcloud::ffi, with the headers cxx-build generated.
#
# cargo decides what to rebuild, so the step always runs (a no-op build takes
# a fraction of a second). Release for every build type but Debug.

# A Rust library built elsewhere can be used instead (no cargo here): set
# DKCLOUD_PREBUILT_FFI_LIBRARY (libdkcloud_ffi.a) and
# DKCLOUD_PREBUILT_FFI_INCLUDE_DIR (the cxxbridge folder holding
# dkcloud-ffi/src/lib.rs.h and rust/cxx.h). tests/host/showfoto_qt6.sh does so
# to build inside a Debian 13 root with the library built on the host.
set(DKCLOUD_PREBUILT_FFI_LIBRARY "" CACHE FILEPATH "Prebuilt libdkcloud_ffi.a (skips cargo)")
set(DKCLOUD_PREBUILT_FFI_INCLUDE_DIR "" CACHE PATH "cxxbridge headers of the prebuilt library")

# App registrations compiled into the engine (docs/cli.md, "App registrations"):
# a cache option, else the environment variable of the same name at configure
# time. cargo sees them as environment variables and rebuilds when they change.
set(_dkcloud_builtin_env)
foreach(_var DKCLOUD_BUILTIN_ONEDRIVE_CLIENT_ID DKCLOUD_BUILTIN_ONEDRIVE_TENANT DKCLOUD_BUILTIN_DROPBOX_APP_KEY)
    if(NOT DEFINED ${_var} AND DEFINED ENV{${_var}})
        set(${_var} "$ENV{${_var}}")
    endif()
    set(${_var} "${${_var}}" CACHE STRING "Built-in app registration: ${_var}")
    if(${_var})
        list(APPEND _dkcloud_builtin_env "${_var}=${${_var}}")
        message(STATUS "dkcloud: built-in ${_var}=${${_var}}")
    endif()
endforeach()

if(DKCLOUD_PREBUILT_FFI_LIBRARY)
    if(NOT EXISTS "${DKCLOUD_PREBUILT_FFI_LIBRARY}" OR NOT EXISTS "${DKCLOUD_PREBUILT_FFI_INCLUDE_DIR}/dkcloud-ffi/src/lib.rs.h")
        message(FATAL_ERROR "DKCLOUD_PREBUILT_FFI_LIBRARY/_INCLUDE_DIR: no library or no cxx headers")
    endif()
    set(DKCLOUD_FFI_LIBRARY "${DKCLOUD_PREBUILT_FFI_LIBRARY}")
    set(DKCLOUD_FFI_INCLUDE_DIR "${DKCLOUD_PREBUILT_FFI_INCLUDE_DIR}")
    message(STATUS "dkcloud: prebuilt Rust library ${DKCLOUD_FFI_LIBRARY}")
else()
    find_program(CARGO_EXECUTABLE cargo HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin" REQUIRED)

    if(CMAKE_BUILD_TYPE STREQUAL "Debug")
        set(_profile debug)
        set(_profile_flag)
    else()
        set(_profile release)
        set(_profile_flag --release)
    endif()

    if(DEFINED ENV{CARGO_TARGET_DIR})
        set(DKCLOUD_CARGO_TARGET_DIR "$ENV{CARGO_TARGET_DIR}")
    else()
        set(DKCLOUD_CARGO_TARGET_DIR "${PROJECT_SOURCE_DIR}/target")
    endif()

    set(DKCLOUD_FFI_LIBRARY "${DKCLOUD_CARGO_TARGET_DIR}/${_profile}/libdkcloud_ffi.a")
    set(DKCLOUD_FFI_INCLUDE_DIR "${CMAKE_BINARY_DIR}/cxxbridge")
    file(MAKE_DIRECTORY "${DKCLOUD_FFI_INCLUDE_DIR}")

    # One cargo invocation for the library, `dkcloud` and the emulator: cargo
    # unifies dependency features per invocation, so building them apart would
    # compile shared dependencies twice (scripts/quickstart relies on this).
    add_custom_target(dkcloud_ffi_cargo
        COMMAND ${CMAKE_COMMAND} -E env
                "DKCLOUD_FFI_INCLUDE_DIR=${DKCLOUD_FFI_INCLUDE_DIR}"
                "CARGO_TARGET_DIR=${DKCLOUD_CARGO_TARGET_DIR}"
                ${_dkcloud_builtin_env}
                "${CARGO_EXECUTABLE}" build --locked -p dkcloud-ffi -p dkcloud-cli -p dkcloud-emulator ${_profile_flag}
        WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
        BYPRODUCTS "${DKCLOUD_FFI_LIBRARY}"
                   "${DKCLOUD_FFI_INCLUDE_DIR}/dkcloud-ffi/src/lib.rs.h"
                   "${DKCLOUD_FFI_INCLUDE_DIR}/rust/cxx.h"
        COMMENT "cargo build -p dkcloud-ffi -p dkcloud-cli -p dkcloud-emulator (${_profile})"
        USES_TERMINAL)
endif()

find_package(Threads REQUIRED)
add_library(dkcloud_ffi STATIC IMPORTED GLOBAL)
set_target_properties(dkcloud_ffi PROPERTIES IMPORTED_LOCATION "${DKCLOUD_FFI_LIBRARY}")
target_include_directories(dkcloud_ffi INTERFACE "${DKCLOUD_FFI_INCLUDE_DIR}")
target_link_libraries(dkcloud_ffi INTERFACE Threads::Threads ${CMAKE_DL_LIBS} m)
if(TARGET dkcloud_ffi_cargo)
    add_dependencies(dkcloud_ffi dkcloud_ffi_cargo)
endif()
add_library(dkcloud::ffi ALIAS dkcloud_ffi)
