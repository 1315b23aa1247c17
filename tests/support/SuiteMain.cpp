#include "SuiteDriver.h"

int main(int argc, char** argv)
{
	return Falcon::Testing::runSuites(argc, argv);
}
