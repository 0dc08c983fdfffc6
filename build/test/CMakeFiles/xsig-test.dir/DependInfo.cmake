
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/test/proc.c" "test/CMakeFiles/xsig-test.dir/proc.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/proc.c.o.d"
  "/work/main/test/runner.c" "test/CMakeFiles/xsig-test.dir/runner.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/runner.c.o.d"
  "/work/main/test/test-action.c" "test/CMakeFiles/xsig-test.dir/test-action.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-action.c.o.d"
  "/work/main/test/test-default.c" "test/CMakeFiles/xsig-test.dir/test-default.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-default.c.o.d"
  "/work/main/test/test-mask.c" "test/CMakeFiles/xsig-test.dir/test-mask.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-mask.c.o.d"
  "/work/main/test/test-posix.c" "test/CMakeFiles/xsig-test.dir/test-posix.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-posix.c.o.d"
  "/work/main/test/test-signame.c" "test/CMakeFiles/xsig-test.dir/test-signame.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-signame.c.o.d"
  "/work/main/test/test-sigset.c" "test/CMakeFiles/xsig-test.dir/test-sigset.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-sigset.c.o.d"
  "/work/main/test/test-wait.c" "test/CMakeFiles/xsig-test.dir/test-wait.c.o" "gcc" "test/CMakeFiles/xsig-test.dir/test-wait.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/xsig_static.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
