file(REMOVE_RECURSE
  "CMakeFiles/xsig-test.dir/proc.c.o"
  "CMakeFiles/xsig-test.dir/proc.c.o.d"
  "CMakeFiles/xsig-test.dir/runner.c.o"
  "CMakeFiles/xsig-test.dir/runner.c.o.d"
  "CMakeFiles/xsig-test.dir/test-action.c.o"
  "CMakeFiles/xsig-test.dir/test-action.c.o.d"
  "CMakeFiles/xsig-test.dir/test-default.c.o"
  "CMakeFiles/xsig-test.dir/test-default.c.o.d"
  "CMakeFiles/xsig-test.dir/test-mask.c.o"
  "CMakeFiles/xsig-test.dir/test-mask.c.o.d"
  "CMakeFiles/xsig-test.dir/test-posix.c.o"
  "CMakeFiles/xsig-test.dir/test-posix.c.o.d"
  "CMakeFiles/xsig-test.dir/test-signame.c.o"
  "CMakeFiles/xsig-test.dir/test-signame.c.o.d"
  "CMakeFiles/xsig-test.dir/test-sigset.c.o"
  "CMakeFiles/xsig-test.dir/test-sigset.c.o.d"
  "CMakeFiles/xsig-test.dir/test-wait.c.o"
  "CMakeFiles/xsig-test.dir/test-wait.c.o.d"
  "xsig-test"
  "xsig-test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xsig-test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
