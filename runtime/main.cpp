// The entry point of every migrator: the shared command line over the plan linked beside it.
#include "runtime/cli.hpp"

int main(int argc, char** argv) { return migc::runtime::run_migrator(migc::runtime::linked_plan(), argc, argv); }
