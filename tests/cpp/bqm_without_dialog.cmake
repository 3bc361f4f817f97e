# The BQM module stands on the core library alone: no file under cpp/bqm
# includes a header that lives in cpp/dialog (or cpp/common, the generic
# plugin's host helpers), and the BQM library does not link the dialog's.
#
#   cmake -DSOURCE_DIR=<tree> [-DBQM_LINKS=<a|b|c>] -P bqm_without_dialog.cmake
cmake_minimum_required(VERSION 3.16)
if(NOT SOURCE_DIR)
    message(FATAL_ERROR "SOURCE_DIR not given")
endif()

set(_forbidden)
foreach(_dir dialog common)
    file(GLOB _headers RELATIVE "${SOURCE_DIR}/cpp/${_dir}" "${SOURCE_DIR}/cpp/${_dir}/*.h")
    foreach(_header IN LISTS _headers)
        list(APPEND _forbidden "${_header}")
        set(_home_${_header} "cpp/${_dir}")
    endforeach()
endforeach()
list(LENGTH _forbidden _count)
if(_count EQUAL 0)
    message(FATAL_ERROR "no header found under ${SOURCE_DIR}/cpp/dialog: wrong SOURCE_DIR?")
endif()

set(_found)
file(GLOB_RECURSE _bqm_files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/cpp/bqm/*.h" "${SOURCE_DIR}/cpp/bqm/*.cpp")
foreach(_file IN LISTS _bqm_files)
    file(STRINGS "${SOURCE_DIR}/${_file}" _includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
    foreach(_line IN LISTS _includes)
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">].*$" "\\1" _name "${_line}")
        get_filename_component(_base "${_name}" NAME)
        if(_base IN_LIST _forbidden)
            list(APPEND _found "${_file}: #include \"${_name}\" (${_home_${_base}})")
        endif()
    endforeach()
endforeach()

string(REPLACE "|" ";" _links "${BQM_LINKS}")
foreach(_lib IN LISTS _links)
    if(_lib STREQUAL "dkcloud_dialog")
        list(APPEND _found "dkcloud_bqm links dkcloud_dialog")
    endif()
endforeach()

list(LENGTH _bqm_files _files)
if(_found)
    list(JOIN _found "\n  " _text)
    message(FATAL_ERROR "the BQM module reaches into the dialog:\n  ${_text}")
endif()
message(STATUS "${_files} files under cpp/bqm, none includes one of the ${_count} headers of cpp/dialog and cpp/common; links: ${BQM_LINKS}")
