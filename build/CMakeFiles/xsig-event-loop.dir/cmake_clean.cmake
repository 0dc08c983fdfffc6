file(REMOVE_RECURSE
  "CMakeFiles/xsig-event-loop.dir/examples/event-loop.c.o"
  "CMakeFiles/xsig-event-loop.dir/examples/event-loop.c.o.d"
  "xsig-event-loop"
  "xsig-event-loop.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xsig-event-loop.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
