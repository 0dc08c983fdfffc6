#----------------------------------------------------------------
# Generated CMake target import file for configuration "RelWithDebInfo".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "xsig::xsig_static" for configuration "RelWithDebInfo"
set_property(TARGET xsig::xsig_static APPEND PROPERTY IMPORTED_CONFIGURATIONS RELWITHDEBINFO)
set_target_properties(xsig::xsig_static PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_RELWITHDEBINFO "C"
  IMPORTED_LOCATION_RELWITHDEBINFO "${_IMPORT_PREFIX}/lib/libxsig.a"
  )

list(APPEND _cmake_import_check_targets xsig::xsig_static )
list(APPEND _cmake_import_check_files_for_xsig::xsig_static "${_IMPORT_PREFIX}/lib/libxsig.a" )

# Import target "xsig::xsig_shared" for configuration "RelWithDebInfo"
set_property(TARGET xsig::xsig_shared APPEND PROPERTY IMPORTED_CONFIGURATIONS RELWITHDEBINFO)
set_target_properties(xsig::xsig_shared PROPERTIES
  IMPORTED_LOCATION_RELWITHDEBINFO "${_IMPORT_PREFIX}/lib/libxsig.so.0.1.0"
  IMPORTED_SONAME_RELWITHDEBINFO "libxsig.so.0"
  )

list(APPEND _cmake_import_check_targets xsig::xsig_shared )
list(APPEND _cmake_import_check_files_for_xsig::xsig_shared "${_IMPORT_PREFIX}/lib/libxsig.so.0.1.0" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
