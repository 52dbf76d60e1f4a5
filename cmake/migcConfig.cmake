# find_package(migc): the migc compiler and runtime as imported targets (migc::migc,
# migc::runtime, ...), and add_migrations() (see Migrations.cmake).
include(CMakeFindDependencyMacro)
find_dependency(PostgreSQL)
include(${CMAKE_CURRENT_LIST_DIR}/migcTargets.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/Migrations.cmake)
