
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/error.c" "CMakeFiles/xsig_static.dir/src/error.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/error.c.o.d"
  "/work/main/src/signal.c" "CMakeFiles/xsig_static.dir/src/signal.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/signal.c.o.d"
  "/work/main/src/signame.c" "CMakeFiles/xsig_static.dir/src/signame.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/signame.c.o.d"
  "/work/main/src/sigset.c" "CMakeFiles/xsig_static.dir/src/sigset.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/sigset.c.o.d"
  "/work/main/src/status.c" "CMakeFiles/xsig_static.dir/src/status.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/status.c.o.d"
  "/work/main/src/unix/signal.c" "CMakeFiles/xsig_static.dir/src/unix/signal.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/unix/signal.c.o.d"
  "/work/main/src/unix/sigtable.c" "CMakeFiles/xsig_static.dir/src/unix/sigtable.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/unix/sigtable.c.o.d"
  "/work/main/src/wait.c" "CMakeFiles/xsig_static.dir/src/wait.c.o" "gcc" "CMakeFiles/xsig_static.dir/src/wait.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
