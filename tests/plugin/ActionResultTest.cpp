#include "SuiteDriver.h"

#include "falcon/plugin/ActionResult.h"

#include <Poco/JSON/Object.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using Falcon::Plugin::ActionResult;

/// A result made from an output the module shares (a cached token's) reads it where it is, and
/// hands the caller a copy of its own to change: nothing a host does reaches the next call.
class ActionResultTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ActionResultTest);
	CPPUNIT_TEST(testSharedOutputIsReadInPlace);
	CPPUNIT_TEST(testOutputOfASharedResultIsTheCallersOwn);
	CPPUNIT_TEST(testCopiesOfASharedResultEachGetTheirOwn);
	CPPUNIT_TEST(testSharedWithoutOutputIsAFailure);
	CPPUNIT_TEST(testThreadsReadWhileOneTakesTheOutput);
	CPPUNIT_TEST_SUITE_END();

	/// What a cached token's output looks like, as the module keeps it.
	static Poco::JSON::Object::Ptr kept()
	{
		Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		body->set("access_token", std::string("kept-token"));
		body->set("expires_in", 1699);
		Poco::JSON::Object::Ptr output = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		output->set("status_code", 201);
		output->set("headers", Poco::JSON::Object::Ptr(new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER)));
		output->set("body", body);
		output->set("cached", true);
		return output;
	}

	static std::string tokenIn(const Poco::JSON::Object::Ptr& output)
	{
		return output->getObject("body")->getValue<std::string>("access_token");
	}

	void testSharedOutputIsReadInPlace()
	{
		const Poco::JSON::Object::Ptr shared = kept();
		const ActionResult result = ActionResult::shared(shared);
		CPPUNIT_ASSERT(result.ok());
		CPPUNIT_ASSERT_EQUAL(201, result.statusCode());
		CPPUNIT_ASSERT_EQUAL(std::string(), result.errorKind());
		CPPUNIT_ASSERT(!result.rejectedInput());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"status_code\":201,\"headers\":{},\"body\":{\"access_token\":\"kept-"
										 "token\",\"expires_in\":1699},\"cached\":true}"),
			result.toJSON());
		const std::string indented = result.toJSON(2);
		CPPUNIT_ASSERT(indented.find('\n') != std::string::npos && indented.find("kept-token") != std::string::npos);
		// Read where it is: the module's object, not a copy of it (one reference here, one there).
		CPPUNIT_ASSERT_EQUAL(2, shared.referenceCount());
	}

	void testOutputOfASharedResultIsTheCallersOwn()
	{
		const Poco::JSON::Object::Ptr shared = kept();
		const ActionResult result = ActionResult::shared(shared);
		Poco::JSON::Object::Ptr own = result.output(); // Poco's const pointer hands out a const object
		CPPUNIT_ASSERT(own.get() != shared.get());
		CPPUNIT_ASSERT(own->getObject("body").get() != shared->getObject("body").get());
		CPPUNIT_ASSERT(result.output().get() == own.get()); // copied once
		own->getObject("body")->set("access_token", std::string("***"));
		own->set("status_code", 299);
		CPPUNIT_ASSERT_EQUAL(std::string("kept-token"), tokenIn(shared));
		CPPUNIT_ASSERT_EQUAL(201, shared->getValue<int>("status_code"));
		// The result reads its own copy from then on, changes included.
		CPPUNIT_ASSERT_EQUAL(299, result.statusCode());
		CPPUNIT_ASSERT(result.toJSON().find("\"access_token\":\"***\"") != std::string::npos);
		// A result that was never shared gives its output as it is.
		const ActionResult plain(shared);
		CPPUNIT_ASSERT(plain.output().get() == shared.get());
	}

	void testCopiesOfASharedResultEachGetTheirOwn()
	{
		const Poco::JSON::Object::Ptr shared = kept();
		const ActionResult first = ActionResult::shared(shared);
		ActionResult second = first;
		first.output()->getObject("body")->set("access_token", std::string("first"));
		CPPUNIT_ASSERT_EQUAL(std::string("kept-token"), tokenIn(second.output()));
		CPPUNIT_ASSERT(second.output().get() != first.output().get());
		// A copy made after its original took its own shares that one, as copies always did.
		const ActionResult third = first;
		CPPUNIT_ASSERT(third.output().get() == first.output().get());
		second = ActionResult::shared(shared);
		CPPUNIT_ASSERT_EQUAL(std::string("kept-token"), tokenIn(second.output()));
		CPPUNIT_ASSERT(second.output().get() != shared.get());
	}

	void testSharedWithoutOutputIsAFailure()
	{
		const ActionResult result = ActionResult::shared(nullptr);
		CPPUNIT_ASSERT(!result.ok());
		CPPUNIT_ASSERT_EQUAL(500, result.statusCode());
		CPPUNIT_ASSERT_EQUAL(std::string("protocol"), result.errorKind());
	}

	/// Const members may run on several threads at once: readers see the shared output or the
	/// copy, never a half-made one, and every thread that takes the output gets the same copy.
	void testThreadsReadWhileOneTakesTheOutput()
	{
		const Poco::JSON::Object::Ptr shared = kept();
		for (int round = 0; round < 200; ++round)
		{
			const ActionResult result = ActionResult::shared(shared);
			std::atomic<int> wrong{0};
			std::vector<const Poco::JSON::Object*> taken(4, nullptr);
			std::vector<std::thread> threads;
			for (int t = 0; t < 4; ++t)
			{
				threads.emplace_back([&, t] {
					for (int i = 0; i < 20; ++i)
					{
						if (!result.ok() || result.statusCode() != 201
							|| result.toJSON().find("kept-token") == std::string::npos)
							++wrong;
					}
					taken[t] = result.output().get();
				});
			}
			for (auto& thread : threads) thread.join();
			CPPUNIT_ASSERT_EQUAL(0, wrong.load());
			for (const auto* each : taken) CPPUNIT_ASSERT(each == taken.front() && each != shared.get());
		}
		CPPUNIT_ASSERT_EQUAL(1, shared.referenceCount());
	}
};

FALCON_REGISTER_SUITE(ActionResultTest);
