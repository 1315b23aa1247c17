#include "SuiteDriver.h"

#include "falcon/plugin/ActionContext.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <optional>
#include <string>

using Falcon::Plugin::ActionContext;

/// A context holds a reference to its connection, or borrows the caller's and writes nothing to
/// it; a copy of either reads a connection that lives as long as the copy needs.
class ActionContextTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ActionContextTest);
	CPPUNIT_TEST(testHoldsAReference);
	CPPUNIT_TEST(testBorrowsWithoutAReference);
	CPPUNIT_TEST_SUITE_END();

	static Poco::JSON::Object::Ptr connection()
	{
		Poco::JSON::Object::Ptr settings = new Poco::JSON::Object;
		settings->set("client_id", std::string("abc"));
		return settings;
	}

	static ActionContext::Clock::time_point soon() { return ActionContext::deadlineAfter(5); }

	void testHoldsAReference()
	{
		std::optional<ActionContext> copy;
		{
			const ActionContext context(connection(), Poco::Logger::get("test.context"), soon());
			CPPUNIT_ASSERT_EQUAL(1, context.connection().referenceCount());
			copy.emplace(context);
			CPPUNIT_ASSERT_EQUAL(2, context.connection().referenceCount());
			CPPUNIT_ASSERT(&copy->connection() != &context.connection());
		}
		// The original is gone: the copy still reads its own reference.
		CPPUNIT_ASSERT_EQUAL(1, copy->connection().referenceCount());
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), copy->connection()->getValue<std::string>("client_id"));
	}

	void testBorrowsWithoutAReference()
	{
		const Poco::JSON::Object::Ptr kept = connection();
		const auto cancellation = std::make_shared<Falcon::Plugin::Cancellation>();
		const auto deadline = soon();
		const auto context = ActionContext::borrowing(kept, Poco::Logger::get("test.context"), deadline, cancellation);
		CPPUNIT_ASSERT(&context.connection() == &kept);
		CPPUNIT_ASSERT_EQUAL(1, kept.referenceCount());
		CPPUNIT_ASSERT(context.deadline() == deadline);
		CPPUNIT_ASSERT(context.cancellation() == cancellation.get());
		CPPUNIT_ASSERT_EQUAL(std::string("test.context"), context.logger().name());
		const ActionContext copy(context);
		CPPUNIT_ASSERT(&copy.connection() == &kept);
		CPPUNIT_ASSERT_EQUAL(1, kept.referenceCount());
	}
};

FALCON_REGISTER_SUITE(ActionContextTest);
