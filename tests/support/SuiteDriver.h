#pragma once

#include <cppunit/TestResult.h>
#include <cppunit/TextTestProgressListener.h>
#include <cppunit/extensions/AutoRegisterSuite.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

#include <iostream>
#include <string>

namespace Falcon {
namespace Testing {

/// The body of every test driver: `driver` runs all suites, `driver SuiteName` runs one
/// (suites register with CPPUNIT_TEST_SUITE_NAMED_REGISTRATION under their class name), and
/// `driver SuiteName::testName` runs one test of it.
inline int runSuites(int argc, char** argv)
{
	CppUnit::TextUi::TestRunner runner;
	std::string only;
	if (argc > 1)
	{
		for (int i = 1; i < argc; ++i)
		{
			const std::string name = argv[i];
			const auto separator = name.find("::");
			if (separator != std::string::npos) only = name;
			CppUnit::Test* suite = CppUnit::TestFactoryRegistry::getRegistry(name.substr(0, separator)).makeTest();
			// A name no suite registered under would otherwise pass, having run nothing.
			if (suite->countTestCases() == 0)
			{
				delete suite;
				std::cerr << "no tests registered under " << name.substr(0, separator) << "\n";
				return 1;
			}
			runner.addTest(suite);
		}
	}
	else
	{
		runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
	}
	CppUnit::TextTestProgressListener progress;
	runner.eventManager().addListener(&progress);
	return runner.run(only, false, true, false) ? 0 : 1;
}

}
} // namespace Falcon::Testing

/// Registers a suite both in the default registry (run all) and under its own name (run one).
#define FALCON_REGISTER_SUITE(Suite) \
	static CppUnit::AutoRegisterSuite<Suite> falconRegisterAll##Suite; \
	static CppUnit::AutoRegisterSuite<Suite> falconRegisterNamed##Suite(#Suite)
