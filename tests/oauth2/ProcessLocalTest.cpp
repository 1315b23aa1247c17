#include "SuiteDriver.h"

#include "falcon/oauth2/core/ProcessLocal.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

using Falcon::OAuth2::ProcessLocal;

/// What the plugin's process-wide objects (sessions, socket watcher, TLS contexts) rely on after
/// fork(): the child gets its own, the parent keeps its own.
class ProcessLocalTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProcessLocalTest);
	CPPUNIT_TEST(testOneInstanceForAllThreads);
	CPPUNIT_TEST(testChildGetsItsOwn);
	CPPUNIT_TEST_SUITE_END();

	struct Counter
	{
		std::mutex mutex; ///< held across the fork below: the child must never need it
		int value = 0;
	};

public:
	void testOneInstanceForAllThreads()
	{
		ProcessLocal<Counter> local;
		std::vector<std::thread> threads;
		std::mutex seenMutex;
		std::set<Counter*> seen;
		for (int i = 0; i < 16; ++i)
		{
			threads.emplace_back([&] {
				Counter* counter = &local.get();
				std::lock_guard<std::mutex> lock(seenMutex);
				seen.insert(counter);
			});
		}
		for (auto& thread : threads) thread.join();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.size());
	}

	void testChildGetsItsOwn()
	{
		ProcessLocal<Counter> local;
		Counter& parent = local.get();
		parent.value = 42;
		// A lock held at the moment of fork() stays held in the child forever.
		std::unique_lock<std::mutex> held(parent.mutex);
		const pid_t child = ::fork();
		if (child == 0)
		{
			Counter& own = local.get();
			const bool fresh = &own != &parent && own.value == 0 && own.mutex.try_lock();
			::_exit(fresh && &local.get() == &own ? 0 : 1);
		}
		held.unlock();
		int status = 0;
		CPPUNIT_ASSERT_EQUAL(child, ::waitpid(child, &status, 0));
		CPPUNIT_ASSERT(WIFEXITED(status));
		CPPUNIT_ASSERT_EQUAL(0, WEXITSTATUS(status));
		CPPUNIT_ASSERT_EQUAL(&parent, &local.get());
		CPPUNIT_ASSERT_EQUAL(42, local.get().value);
	}
};

FALCON_REGISTER_SUITE(ProcessLocalTest);
