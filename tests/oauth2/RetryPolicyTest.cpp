#include "SuiteDriver.h"

#include "falcon/oauth2/http/RetryPolicy.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;
using namespace std::chrono;

class RetryPolicyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RetryPolicyTest);
	CPPUNIT_TEST(testRetryAfterForms);
	CPPUNIT_TEST(testRetryAfterGarbage);
	CPPUNIT_TEST(testBackoffGrowsWithJitterAndCap);
	CPPUNIT_TEST(testServerWaitWins);
	CPPUNIT_TEST_SUITE_END();

	const system_clock::time_point now = system_clock::time_point(seconds(1700000000));

public:
	void testRetryAfterForms()
	{
		CPPUNIT_ASSERT_EQUAL(3000L, static_cast<long>(RetryPolicy::parseRetryAfter("1700000003", now)->count()));
		CPPUNIT_ASSERT_EQUAL(2500L, static_cast<long>(RetryPolicy::parseRetryAfter("1700000002500", now)->count()));
		CPPUNIT_ASSERT_EQUAL(5000L, static_cast<long>(RetryPolicy::parseRetryAfter(" 5 ", now)->count()));
		// An instant already past means "now".
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(RetryPolicy::parseRetryAfter("1699999990", now)->count()));
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(RetryPolicy::parseRetryAfter("1699999990000", now)->count()));
	}

	void testRetryAfterGarbage()
	{
		for (const char* value : {"", "soon", "-5", "1e400", "nan", "12abc", "99999999999999999999"})
			CPPUNIT_ASSERT_MESSAGE(value, !RetryPolicy::parseRetryAfter(value, now));
	}

	void testBackoffGrowsWithJitterAndCap()
	{
		const RetryPolicy policy(3, milliseconds(100), milliseconds(1000));
		for (int i = 0; i < 200; ++i)
		{
			const auto first = policy.delayBefore(1, "", now).count();
			const auto third = policy.delayBefore(3, "", now).count();
			const auto tenth = policy.delayBefore(10, "", now).count();
			CPPUNIT_ASSERT(first >= 50 && first <= 100);
			CPPUNIT_ASSERT(third >= 200 && third <= 400);
			CPPUNIT_ASSERT(tenth >= 500 && tenth <= 1000);
		}
		bool varied = false;
		const auto sample = policy.delayBefore(3, "", now);
		for (int i = 0; i < 50 && !varied; ++i) varied = policy.delayBefore(3, "", now) != sample;
		CPPUNIT_ASSERT_MESSAGE("backoff has no jitter", varied);
	}

	void testServerWaitWins()
	{
		const RetryPolicy policy(3, milliseconds(100), milliseconds(1000));
		CPPUNIT_ASSERT_EQUAL(7000L, static_cast<long>(policy.delayBefore(1, "1700000007", now).count()));
		CPPUNIT_ASSERT_EQUAL(7000L, static_cast<long>(policy.delayBefore(1, "1700000007000", now).count()));
		const auto ownWait = policy.delayBefore(1, "1699999000", now).count();
		CPPUNIT_ASSERT(ownWait >= 50 && ownWait <= 100);
	}
};

FALCON_REGISTER_SUITE(RetryPolicyTest);
