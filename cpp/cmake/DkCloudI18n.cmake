# Translations the KDE way (KI18n, gettext catalogues), as digiKam's own
# exporters do: every user-visible string of the plugin and the BQM tools is
# i18nc()/i18ncp() in the "dkcloud" translation domain, so it follows the
# host's interface language (digiKam's Help > Configure Language, else
# LANGUAGE/LANG) with nothing of ours guessing it.
#
#   po/dkcloud.pot          extracted from cpp/ by `cmake --build build --target dkcloud_pot`
#   po/<lang>/dkcloud.po    the translations (de, fr, es)
#   build/locale/<lang>/LC_MESSAGES/dkcloud.mo   compiled by msgfmt at build time;
#                           the tests put build/ first on XDG_DATA_DIRS so KI18n finds them
#   <prefix>/share/locale/<lang>/LC_MESSAGES/dkcloud.mo   installed with the plugin
# KF5 with Qt 5 (Debian 12: libkf5i18n-dev), KF6 with Qt 6 (Debian 13: libkf6i18n-dev).
find_package(KF${DKCLOUD_QT_MAJOR}I18n REQUIRED)
set(DKCLOUD_KI18N KF${DKCLOUD_QT_MAJOR}::I18n)
find_program(DKCLOUD_MSGFMT msgfmt REQUIRED)
find_program(DKCLOUD_XGETTEXT xgettext)

set(DKCLOUD_LANGUAGES de fr es)
set(DKCLOUD_LOCALE_DIR "${CMAKE_BINARY_DIR}/locale")
set(_mo_files)
foreach(_lang IN LISTS DKCLOUD_LANGUAGES)
    set(_po "${PROJECT_SOURCE_DIR}/po/${_lang}/dkcloud.po")
    set(_mo "${DKCLOUD_LOCALE_DIR}/${_lang}/LC_MESSAGES/dkcloud.mo")
    add_custom_command(OUTPUT "${_mo}"
        COMMAND ${CMAKE_COMMAND} -E make_directory "${DKCLOUD_LOCALE_DIR}/${_lang}/LC_MESSAGES"
        COMMAND "${DKCLOUD_MSGFMT}" --check -o "${_mo}" "${_po}"
        DEPENDS "${_po}" COMMENT "Compiling the ${_lang} catalogue" VERBATIM)
    list(APPEND _mo_files "${_mo}")
    install(FILES "${_mo}" DESTINATION share/locale/${_lang}/LC_MESSAGES COMPONENT plugin)
endforeach()
add_custom_target(dkcloud_translations ALL DEPENDS ${_mo_files})

# The template, from the sources (not the test-only code in cpp/testing),
# with KDE's keyword list. Run after changing a string, then msgmerge.
if(DKCLOUD_XGETTEXT)
    set(_merge)
    foreach(_lang IN LISTS DKCLOUD_LANGUAGES)
        list(APPEND _merge COMMAND msgmerge --quiet --update --backup=none --no-fuzzy-matching po/${_lang}/dkcloud.po po/dkcloud.pot)
    endforeach()
    add_custom_target(dkcloud_pot
        COMMAND sh -c "find cpp/core cpp/dialog cpp/common cpp/bqm cpp/plugin -name '*.cpp' | sort > '${CMAKE_BINARY_DIR}/dkcloud-sources.txt'"
        COMMAND "${DKCLOUD_XGETTEXT}" --from-code=UTF-8 -C --kde -ci18n --no-location --sort-output
                -ki18n:1 -ki18nc:1c,2 -ki18np:1,2 -ki18ncp:1c,2,3 -kki18n:1 -kki18nc:1c,2 -kki18np:1,2 -kki18ncp:1c,2,3
                --package-name=dkcloud --package-version=${PROJECT_VERSION} --msgid-bugs-address=maintainers@users.noreply.b-seed-de996200.example
                -f "${CMAKE_BINARY_DIR}/dkcloud-sources.txt" -o po/dkcloud.pot
        ${_merge}
        WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}" COMMENT "Extracting po/dkcloud.pot and merging it into po/*/dkcloud.po" VERBATIM)
endif()
