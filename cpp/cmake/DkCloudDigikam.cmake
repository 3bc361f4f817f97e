# Finds digiKam's core library and the plugin API declarations to compile with.
#
# DIGIKAM_SDK=system : find_package(DigikamCore CONFIG) (distributions that ship
#                      digiKam's headers); fails when missing.
# DIGIKAM_SDK=bundled: our own declarations (cpp/digikam/abi-X.Y) and the
#                      installed libdigikamcore.so.X.Y.Z (Debian ships no headers).
# DIGIKAM_SDK=auto   : system when DigikamCoreConfig.cmake is found, else bundled.
#
# Defines the target dkcloud::digikam (library + API) and DKCLOUD_DIGIKAM_VERSION.

set(DKCLOUD_DIGIKAM_USE_SYSTEM OFF)
if(DIGIKAM_SDK STREQUAL "system" OR DIGIKAM_SDK STREQUAL "auto")
    find_package(DigikamCore CONFIG QUIET)
    if(DigikamCore_FOUND)
        set(DKCLOUD_DIGIKAM_USE_SYSTEM ON)
    elseif(DIGIKAM_SDK STREQUAL "system")
        message(FATAL_ERROR "DIGIKAM_SDK=system but find_package(DigikamCore CONFIG) found nothing")
    endif()
endif()

add_library(dkcloud_digikam INTERFACE)
add_library(dkcloud::digikam ALIAS dkcloud_digikam)

if(DKCLOUD_DIGIKAM_USE_SYSTEM)
    set(DKCLOUD_DIGIKAM_VERSION "${DigikamCore_VERSION}")
    target_link_libraries(dkcloud_digikam INTERFACE Digikam::digikamcore)
    target_compile_definitions(dkcloud_digikam INTERFACE DKCLOUD_DIGIKAM_SYSTEM_HEADERS=1)
    get_target_property(DKCLOUD_DIGIKAMCORE_LIBRARY Digikam::digikamcore LOCATION)
    message(STATUS "dkcloud: digiKam ${DKCLOUD_DIGIKAM_VERSION} headers from the system")
else()
    if(NOT DKCLOUD_DIGIKAMCORE_LIBRARY)
        set(_candidates)
        foreach(dir /usr/lib/digikam /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE} /usr/lib64 /usr/lib /usr/local/lib)
            file(GLOB _found "${dir}/libdigikamcore.so.*.*.*")
            list(APPEND _candidates ${_found})
        endforeach()
        list(SORT _candidates)
        list(REVERSE _candidates)
        list(GET _candidates 0 _first)
        set(DKCLOUD_DIGIKAMCORE_LIBRARY "${_first}" CACHE FILEPATH "digiKam's libdigikamcore.so.X.Y.Z")
    endif()
    if(NOT EXISTS "${DKCLOUD_DIGIKAMCORE_LIBRARY}")
        message(FATAL_ERROR "libdigikamcore not found: install digiKam (apt-get install digikam) or set DKCLOUD_DIGIKAMCORE_LIBRARY")
    endif()
    string(REGEX MATCH "libdigikamcore\\.so\\.([0-9]+)\\.([0-9]+)\\.([0-9]+)$" _m "${DKCLOUD_DIGIKAMCORE_LIBRARY}")
    if(NOT _m)
        message(FATAL_ERROR "cannot read digiKam's version from ${DKCLOUD_DIGIKAMCORE_LIBRARY}")
    endif()
    set(DKCLOUD_DIGIKAM_VERSION "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}.${CMAKE_MATCH_3}")
    math(EXPR DKCLOUD_DIGIKAM_ABI "${CMAKE_MATCH_1} * 100 + ${CMAKE_MATCH_2}")
    set(_decl "${PROJECT_SOURCE_DIR}/cpp/digikam/abi-${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
    if(NOT EXISTS "${_decl}")
        message(FATAL_ERROR "dkcloud has no declarations for digiKam ${CMAKE_MATCH_1}.${CMAKE_MATCH_2} (no ${_decl})")
    endif()
    add_library(dkcloud_digikamcore SHARED IMPORTED GLOBAL)
    set_target_properties(dkcloud_digikamcore PROPERTIES IMPORTED_LOCATION "${DKCLOUD_DIGIKAMCORE_LIBRARY}")
    target_link_libraries(dkcloud_digikam INTERFACE dkcloud_digikamcore)
    target_include_directories(dkcloud_digikam INTERFACE "${PROJECT_SOURCE_DIR}/cpp/digikam")
    target_compile_definitions(dkcloud_digikam INTERFACE DKCLOUD_DIGIKAM_ABI=${DKCLOUD_DIGIKAM_ABI})
    message(STATUS "dkcloud: digiKam ${DKCLOUD_DIGIKAM_VERSION}, own declarations ${_decl}, ${DKCLOUD_DIGIKAMCORE_LIBRARY}")
endif()

# The Batch Queue Manager's plugin API lives in libdigikamgui (DPluginBqm,
# BatchTool) and libdigikamdatabase (ItemInfo), beside libdigikamcore and of
# the same release: dkcloud::digikam_bqm, for the BQM module only.
add_library(dkcloud_digikam_bqm INTERFACE)
add_library(dkcloud::digikam_bqm ALIAS dkcloud_digikam_bqm)
target_link_libraries(dkcloud_digikam_bqm INTERFACE dkcloud::digikam)
if(DKCLOUD_DIGIKAM_USE_SYSTEM)
    find_package(DigikamGui CONFIG REQUIRED)
    find_package(DigikamDatabase CONFIG REQUIRED)
    target_link_libraries(dkcloud_digikam_bqm INTERFACE Digikam::digikamgui Digikam::digikamdatabase)
else()
    get_filename_component(_digikam_libdir "${DKCLOUD_DIGIKAMCORE_LIBRARY}" DIRECTORY)
    foreach(_part gui database)
        string(TOUPPER "${_part}" _PART)
        set(_lib "${_digikam_libdir}/libdigikam${_part}.so.${DKCLOUD_DIGIKAM_VERSION}")
        if(NOT EXISTS "${_lib}")
            message(FATAL_ERROR "no ${_lib} beside ${DKCLOUD_DIGIKAMCORE_LIBRARY} (the BQM plugin needs it)")
        endif()
        set(DKCLOUD_DIGIKAM${_PART}_LIBRARY "${_lib}")
        add_library(dkcloud_digikam${_part} SHARED IMPORTED GLOBAL)
        set_target_properties(dkcloud_digikam${_part} PROPERTIES IMPORTED_LOCATION "${_lib}")
        target_link_libraries(dkcloud_digikam_bqm INTERFACE dkcloud_digikam${_part})
    endforeach()
endif()

# Where digiKam looks for generic plugins: <Qt plugins>/digikam/generic, kept
# relative to Qt's prefix so that `cmake --install --prefix DIR` moves it.
get_target_property(_qmake Qt${DKCLOUD_QT_MAJOR}::qmake IMPORTED_LOCATION)
if(_qmake)
    execute_process(COMMAND "${_qmake}" -query QT_INSTALL_PLUGINS OUTPUT_VARIABLE _qt_plugins OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND "${_qmake}" -query QT_INSTALL_PREFIX OUTPUT_VARIABLE DKCLOUD_QT_PREFIX OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT _qt_plugins OR NOT DKCLOUD_QT_PREFIX)
    set(DKCLOUD_QT_PREFIX "/usr")
    set(_qt_plugins "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/qt${DKCLOUD_QT_MAJOR}/plugins")
endif()
set(DKCLOUD_SYSTEM_PLUGIN_DIR "${_qt_plugins}/digikam/generic")
file(RELATIVE_PATH DKCLOUD_PLUGIN_RELATIVE_DIR "${DKCLOUD_QT_PREFIX}" "${DKCLOUD_SYSTEM_PLUGIN_DIR}")
# The Batch Queue Manager's tools: <Qt plugins>/digikam/bqm.
set(DKCLOUD_SYSTEM_BQM_PLUGIN_DIR "${_qt_plugins}/digikam/bqm")
file(RELATIVE_PATH DKCLOUD_BQM_PLUGIN_RELATIVE_DIR "${DKCLOUD_QT_PREFIX}" "${DKCLOUD_SYSTEM_BQM_PLUGIN_DIR}")
