#pragma once

#include <cppunit/TestResult.h>
#include <cppunit/TextTestProgressListener.h>
#include <cppunit/extensions/AutoRegisterSuite.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

#include <iostream>

namespace Falcon {
namespace Testing {

/// The body of every test driver: `driver` runs all suites, `driver SuiteName` runs one
/// (suites register with CPPUNIT_TEST_SUITE_NAMED_REGISTRATION under their class name).
inline int runSuites(int argc, char** argv)
{
	CppUnit::TextUi::TestRunner runner;
	if (argc > 1)
	{
		for (int i = 1; i < argc; ++i) runner.addTest(CppUnit::TestFactoryRegistry::getRegistry(argv[i]).makeTest());
	}
	else
	{
		runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
	}
	CppUnit::TextTestProgressListener progress;
	runner.eventManager().addListener(&progress);
	return runner.run("", false, true, false) ? 0 : 1;
}

} } // namespace Falcon::Testing

/// Registers a suite both in the default registry (run all) and under its own name (run one).
#define FALCON_REGISTER_SUITE(Suite) \
	static CppUnit::AutoRegisterSuite<Suite> falconRegisterAll##Suite; \
	static CppUnit::AutoRegisterSuite<Suite> falconRegisterNamed##Suite(#Suite)
