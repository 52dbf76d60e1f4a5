# add_migrations(): turns a chain of .mig revision files into a migration plan, a migrator
# executable that carries it, and CTest round trips against a throwaway PostgreSQL server.
#
#   add_migrations(<name>
#     DIRECTORY <dir> | SOURCES <file>...   the revisions (a directory is globbed for *.mig)
#     [MIGRATOR <target>]                   the migrator executable (default: <name>-migrate)
#     [SCHEMA_SQL <file>]                   checked-in head schema, verified by every build;
#                                           `<name>-update-generated` refreshes it
#     [LOCK_FILE <file>]                    released revisions, which every build checks have
#                                           not changed; `<name>-lock-revisions` adds new ones
#     [MODEL <dir>]                         model files the head schema must equal, or the build
#                                           fails (`migc revision --autogenerate` writes the fix)
#     [TESTS <bool>]                        register round-trip tests (label `postgres`)
#     [CHECKER]                             build <name>-roundtrip without registering tests
#     [WERROR]                              lint warnings fail the build
#     [CHECK_EXCLUDE <pattern>...]          objects the migrator's `check` leaves to other tools
#                                           (`[kind:]name`, the name a glob: `table:legacy_*`,
#                                           `function:pgq_*`); see docs/migrator.md
#     [OUTPUT_DIRECTORY <dir>]              where the migrator is written (default: CMake's for
#                                           any executable: CMAKE_RUNTIME_OUTPUT_DIRECTORY, else
#                                           the current binary directory)
#     [STATIC_RUNTIME <bool>])              link the C++ runtime into the migrator, so that only
#                                           libpq and libc are needed where it runs (default ON;
#                                           GCC and Clang; turn it off under sanitizers)
#
# Creates: <name>_plan (a static library holding the plan), the migrator, and with TESTS the
# <name>-roundtrip checker, one test per revision and one for the whole chain.
#
# Works with migc built in the same tree (add_subdirectory, FetchContent) and with an installed
# migc (find_package(migc)): it uses the targets migc::migc, migc::runtime, migc::runtime_main
# and migc::roundtrip_main, which both provide.
include_guard(GLOBAL)

# One throwaway server per ctest run (or the one MIGC_TEST_DATABASE_URL names), shared by every chain's tests through the fixture
# `migc_postgres`; its conninfo is in MIGC_TEST_POSTGRES_URL_FILE. `migc throwaway-postgres` is
# the code behind a migrator's --ephemeral: reachable only by the account running ctest, and
# gone when ctest ends even if the stop test never runs.
function(_migc_test_postgres compiler)
  # A global property, not if(TEST): that only sees the current directory, and a second
  # fixture would start a second server over the same state file, leaving one running.
  get_property(defined GLOBAL PROPERTY MIGC_TEST_POSTGRES_URL_FILE SET)
  if(defined)
    return()
  endif()
  set(state ${CMAKE_BINARY_DIR}/test-postgres/conninfo)
  # MIGC_TEST_DATABASE_URL, read when the tests run, names a server to use instead (a CI's
  # service container); the tests create and drop databases of their own on it.
  add_test(NAME migc.postgres.start COMMAND ${compiler} throwaway-postgres start --reuse-from-env MIGC_TEST_DATABASE_URL ${state})
  add_test(NAME migc.postgres.stop COMMAND ${compiler} throwaway-postgres stop ${state})
  set_tests_properties(migc.postgres.start PROPERTIES FIXTURES_SETUP migc_postgres LABELS postgres)
  # The stop bounds each of its parts itself (at most about 150 s in all); CTest's default of
  # 300 s is not a bound to race with on a machine the other tests keep busy.
  set_tests_properties(migc.postgres.stop PROPERTIES FIXTURES_CLEANUP migc_postgres LABELS postgres TIMEOUT 900)
  set_property(GLOBAL PROPERTY MIGC_TEST_POSTGRES_URL_FILE ${state})
endfunction()

# A checked-in file the compile step reads (a lock file, schema.sql) is one of its inputs. One
# that does not exist yet is migc's to report or create, not Ninja's to miss: until it exists,
# its directory is watched, so that the build after it appears configures again and depends on it.
function(_migc_depend_on_checked_in file out_var)
  if(EXISTS ${file})
    set(${out_var} ${file} PARENT_SCOPE)
  else()
    # The nearest directory that exists changes when the file, or a directory on its way, is
    # created: CMake configures again and the file becomes a dependency.
    get_filename_component(directory ${file} DIRECTORY)
    while(NOT EXISTS ${directory})
      get_filename_component(parent ${directory} DIRECTORY)
      if(parent STREQUAL directory)
        break()
      endif()
      set(directory ${parent})
    endwhile()
    if(EXISTS ${directory})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${directory})
    endif()
    set(${out_var} "" PARENT_SCOPE)
  endif()
endfunction()

function(add_migrations name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "CHECKER;WERROR"
    "DIRECTORY;MIGRATOR;SCHEMA_SQL;LOCK_FILE;MODEL;TESTS;OUTPUT_DIRECTORY;STATIC_RUNTIME" "SOURCES;CHECK_EXCLUDE")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "add_migrations(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "add_migrations(${name}): no value after ${arg_KEYWORDS_MISSING_VALUES}")
  endif()
  if(arg_TESTS)
    set(arg_CHECKER TRUE)
  endif()
  if(NOT DEFINED arg_STATIC_RUNTIME)
    set(arg_STATIC_RUNTIME ON)
  endif()
  if(NOT arg_DIRECTORY AND NOT arg_SOURCES)
    message(FATAL_ERROR "add_migrations(${name}): give DIRECTORY <dir> or SOURCES <file>...")
  endif()
  if(arg_DIRECTORY AND arg_SOURCES)
    message(FATAL_ERROR "add_migrations(${name}): give DIRECTORY or SOURCES, not both")
  endif()
  if(NOT TARGET migc::migc)
    message(FATAL_ERROR "add_migrations(${name}): no migc compiler: find_package(migc) or add_subdirectory() migc first")
  endif()
  # The real target where migc is built here (a target-level dependency then orders the build);
  # the imported one where it is installed.
  get_target_property(compiler migc::migc ALIASED_TARGET)
  if(NOT compiler)
    set(compiler migc::migc)
  endif()
  if(NOT arg_MIGRATOR)
    set(arg_MIGRATOR ${name}-migrate)
  endif()

  set(sources ${arg_SOURCES})
  if(arg_DIRECTORY)
    get_filename_component(arg_DIRECTORY ${arg_DIRECTORY} ABSOLUTE)
    # CONFIGURE_DEPENDS: adding or deleting a revision file re-globs on the next build.
    file(GLOB sources CONFIGURE_DEPENDS ${arg_DIRECTORY}/*.mig)
    list(SORT sources)
  endif()
  if(NOT sources)
    message(FATAL_ERROR "add_migrations(${name}): no .mig files in ${arg_DIRECTORY}")
  endif()

  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}_migrations)
  set(plan_cpp ${out}/${name}_plan.cpp)
  set(revisions_txt ${out}/${name}_revisions.txt)
  set(common_args --name ${name} --source-root ${PROJECT_SOURCE_DIR})
  set(werror_args)
  if(arg_WERROR)
    set(werror_args --werror)
  endif()
  set(outputs ${plan_cpp} ${revisions_txt})
  set(exclude_args)
  foreach(pattern IN LISTS arg_CHECK_EXCLUDE)
    list(APPEND exclude_args --check-exclude ${pattern})
  endforeach()
  set(model_args)
  set(model_depends)
  if(arg_MODEL)
    get_filename_component(arg_MODEL ${arg_MODEL} ABSOLUTE)
    file(GLOB model_depends CONFIGURE_DEPENDS ${arg_MODEL}/*.mig)
    set(model_args --model ${arg_MODEL})
  endif()
  set(lock_args)
  set(lock_depends)
  if(arg_LOCK_FILE)
    get_filename_component(arg_LOCK_FILE ${arg_LOCK_FILE} ABSOLUTE)
    set(lock_args --lock-file ${arg_LOCK_FILE} --lock-target ${name}-lock-revisions)
    _migc_depend_on_checked_in(${arg_LOCK_FILE} lock_depends)
  endif()
  set(schema_args)
  set(schema_depends)
  if(arg_SCHEMA_SQL)
    get_filename_component(arg_SCHEMA_SQL ${arg_SCHEMA_SQL} ABSOLUTE)
    set(schema_args --schema-sql ${arg_SCHEMA_SQL} --update-target ${name}-update-generated --build-dir ${CMAKE_BINARY_DIR})
    _migc_depend_on_checked_in(${arg_SCHEMA_SQL} schema_depends)
  endif()

  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${compiler} compile ${common_args} ${werror_args} ${schema_args} ${lock_args} ${model_args} ${exclude_args} --out-dir ${out} ${sources}
    DEPENDS ${compiler} ${sources} ${schema_depends} ${lock_depends} ${model_depends}
    COMMENT "migc: compiling ${name} migrations"
    VERBATIM)
  if(arg_SCHEMA_SQL)
    add_custom_target(${name}-update-generated
      COMMAND ${compiler} compile ${common_args} ${schema_args} --update-generated ${sources}
      DEPENDS ${compiler} ${sources}
      COMMENT "migc: refreshing the checked-in files of ${name}"
      VERBATIM)
  endif()
  if(arg_LOCK_FILE)
    add_custom_target(${name}-lock-revisions
      COMMAND ${compiler} compile ${common_args} ${werror_args} ${lock_args} --update-lock ${sources}
      DEPENDS ${compiler} ${sources}
      COMMENT "migc: locking the new revisions of ${name}"
      VERBATIM)
  endif()

  add_library(${name}_plan STATIC ${plan_cpp})
  target_link_libraries(${name}_plan PUBLIC migc::runtime)

  add_executable(${arg_MIGRATOR} $<TARGET_OBJECTS:migc::runtime_main>)
  target_link_libraries(${arg_MIGRATOR} PRIVATE ${name}_plan migc::runtime)
  if(arg_OUTPUT_DIRECTORY)
    get_filename_component(arg_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
    set_target_properties(${arg_MIGRATOR} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY})
  endif()
  # Self-contained: only libpq (and libc) are needed where the migrator runs. Position-independent
  # as the toolchain makes it: the plan holds no pointers to relocate (see plan/plan.hpp).
  if(arg_STATIC_RUNTIME)
    target_link_options(${arg_MIGRATOR} PRIVATE "$<$<LINK_LANG_AND_ID:CXX,GNU,Clang>:-static-libstdc++;-static-libgcc>")
  endif()

  if(arg_CHECKER)
    set(checker ${name}-roundtrip)
    add_executable(${checker} $<TARGET_OBJECTS:migc::roundtrip_main>)
    target_link_libraries(${checker} PRIVATE ${name}_plan migc::runtime)
  endif()
  if(arg_TESTS)
    _migc_test_postgres(${compiler})
    get_property(url_file GLOBAL PROPERTY MIGC_TEST_POSTGRES_URL_FILE)

    add_test(NAME ${name}.chain COMMAND ${checker} --url-file ${url_file} --chain)
    set_tests_properties(${name}.chain PROPERTIES FIXTURES_REQUIRED migc_postgres LABELS postgres)
    # Revision ids are known only after migc has run, so ctest reads them from its output.
    set(test_script ${out}/${name}_tests.cmake)
    file(GENERATE OUTPUT ${test_script} CONTENT "\
if(EXISTS \"${revisions_txt}\")
  file(STRINGS \"${revisions_txt}\" ids ENCODING UTF-8)
  foreach(id IN LISTS ids)
    add_test(\"${name}.roundtrip.\${id}\" \"$<TARGET_FILE:${checker}>\" --url-file \"${url_file}\" --revision \"\${id}\")
    set_tests_properties(\"${name}.roundtrip.\${id}\" PROPERTIES FIXTURES_REQUIRED migc_postgres LABELS postgres)
  endforeach()
else()
  add_test(${name}.roundtrip.not-built \"${CMAKE_COMMAND}\" -E false)
endif()
")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${test_script})
  endif()
endfunction()
