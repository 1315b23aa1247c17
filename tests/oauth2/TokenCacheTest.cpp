#include "OnCpu.h"
#include "SuiteDriver.h"

#include "falcon/oauth2/RevokedTokens.h"
#include "falcon/oauth2/TokenCache.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <sstream>
#include <thread>

using namespace Falcon::OAuth2;
using namespace std::chrono;

namespace {

/// A clock the test moves by hand.
struct ManualClock
{
	TokenCache::Clock::time_point now = TokenCache::Clock::time_point(hours(1));
	std::function<TokenCache::Clock::time_point()> function()
	{
		return [this] { return now; };
	}
};

ApiResult issued(const std::string& token, int expiresIn = 1799)
{
	ApiResult result;
	result.statusCode = 201;
	result.body = "{\"access_token\":\"" + token + "\",\"expires_in\":" + std::to_string(expiresIn)
		+ ",\"token_type\":\"bearer\"}";
	result.issued = IssuedToken::fromBody(result.body);
	return result;
}

/// A token reply with a trace header, read as the route caller reads a success.
ApiResult tracedReply(const std::string& token)
{
	ApiResult reply = issued(token);
	reply.headers.emplace_back("X-Cs-Traceid", "trace-1");
	reply.parse();
	return reply;
}

ApiResult refused(ErrorKind kind, int status, std::optional<double> retryAfter = std::nullopt)
{
	ApiResult result;
	result.statusCode = status;
	result.body = "{\"errors\":[{\"code\":403,\"message\":\"access denied, invalid client\"}]}";
	result.error = Error{kind, "refused", kind == ErrorKind::RateLimited, retryAfter, {}};
	return result;
}

const auto FAR = TokenCache::Clock::now() + hours(1);

/// The access token a result carries, or "" for none.
std::string tokenOf(const TokenResult& result)
{
	return result.issued ? result.issued->accessToken : std::string();
}

} // namespace

class TokenCacheTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TokenCacheTest);
	CPPUNIT_TEST(testCachedUntilRenewalWindow);
	CPPUNIT_TEST(testCustomRenewalWindowIsKept);
	CPPUNIT_TEST(testForceMintsAgain);
	CPPUNIT_TEST(testOutputsAreTheCallersOwn);
	CPPUNIT_TEST(testSingleFlight);
	CPPUNIT_TEST(testWaitersShareAFailure);
	CPPUNIT_TEST(testWaitEndsAtDeadline);
	CPPUNIT_TEST(testRefusedLoginBacksOff);
	CPPUNIT_TEST(testRateLimitIsRemembered);
	CPPUNIT_TEST(testTransientFailuresAreNotRemembered);
	CPPUNIT_TEST(testForget);
	CPPUNIT_TEST(testEveryCpuSeesEachChange);
	CPPUNIT_TEST(testCachedOutputIsAHitsOutput);
	CPPUNIT_TEST(testRevokedTokensAreBounded);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCachedUntilRenewalWindow()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000), clock.function());
		int mints = 0;
		auto mint = [&] {
			++mints;
			return issued("t" + std::to_string(mints));
		};

		TokenResult first = cache.get(false, FAR, mint);
		CPPUNIT_ASSERT(!first.fromCache);
		clock.now += seconds(1799 - 120 - 1);
		TokenResult second = cache.get(false, FAR, mint);
		CPPUNIT_ASSERT(second.fromCache);
		CPPUNIT_ASSERT_EQUAL(first.body, second.body);
		// The result says what is left of the token's life, not what it was minted with.
		CPPUNIT_ASSERT(!first.remainingLifetime);
		CPPUNIT_ASSERT_EQUAL(seconds(121).count(), second.remainingLifetime->count());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(121), second.toJSON()->getObject("body")->getValue<Poco::Int64>("expires_in"));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1799), first.toJSON()->getObject("body")->getValue<Poco::Int64>("expires_in"));
		CPPUNIT_ASSERT_EQUAL(1, mints);
		CPPUNIT_ASSERT_EQUAL(std::string("t1"), *cache.accessToken());

		clock.now += seconds(1); // now - issued == expires_in - window: stale
		CPPUNIT_ASSERT(!cache.accessToken());
		TokenResult third = cache.get(false, FAR, mint);
		CPPUNIT_ASSERT(!third.fromCache);
		CPPUNIT_ASSERT_EQUAL(2, mints);
	}

	void testCustomRenewalWindowIsKept()
	{
		ManualClock clock;
		TokenCache cache(seconds(600), milliseconds(1000), milliseconds(8000), clock.function());
		int mints = 0;
		auto mint = [&] {
			++mints;
			return issued("t");
		};
		for (int login = 0; login < 3; ++login)
		{
			cache.get(false, FAR, mint);
			clock.now += seconds(1799 - 600 - 1);
			CPPUNIT_ASSERT(cache.get(false, FAR, mint).fromCache);
			clock.now += seconds(1);
			CPPUNIT_ASSERT(!cache.accessToken());
			CPPUNIT_ASSERT_EQUAL(600L, static_cast<long>(cache.renewalWindow().count()));
		}
		CPPUNIT_ASSERT_EQUAL(3, mints);
	}

	void testForceMintsAgain()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000), clock.function());
		int mints = 0;
		auto mint = [&] {
			++mints;
			return issued("t" + std::to_string(mints));
		};
		cache.get(false, FAR, mint);
		TokenResult forced = cache.get(true, FAR, mint);
		CPPUNIT_ASSERT(!forced.fromCache);
		CPPUNIT_ASSERT_EQUAL(2, mints);
		CPPUNIT_ASSERT_EQUAL(std::string("t2"), *cache.accessToken());
	}

	/// A minted result hands its parsed reply over as its output (no copy); every output is the
	/// caller's own all the same: changing one changes neither the cache nor a later output.
	void testOutputsAreTheCallersOwn()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000), clock.function());
		auto mint = [] { return tracedReply("t1"); };
		TokenResult minted = cache.get(false, FAR, mint);
		CPPUNIT_ASSERT(minted.parsed);
		const Poco::JSON::Object::Ptr parsedBody = minted.parsed->body.extract<Poco::JSON::Object::Ptr>();
		const Poco::JSON::Object::Ptr first = std::move(minted).toJSON();
		CPPUNIT_ASSERT(first->getObject("body").get() == parsedBody.get());

		auto scribble = [](const Poco::JSON::Object::Ptr& output) {
			output->getObject("body")->set("access_token", std::string("changed"));
			output->getObject("headers")->set("X-Cs-Traceid", std::string("changed"));
		};
		scribble(first);
		for (int hit = 0; hit < 2; ++hit)
		{
			TokenResult cached = cache.get(false, FAR, mint);
			CPPUNIT_ASSERT(cached.fromCache);
			const Poco::JSON::Object::Ptr output = std::move(cached).toJSON();
			CPPUNIT_ASSERT_EQUAL(std::string("t1"), output->getObject("body")->getValue<std::string>("access_token"));
			CPPUNIT_ASSERT_EQUAL(
				std::string("trace-1"), output->getObject("headers")->getValue<std::string>("X-Cs-Traceid"));
			scribble(output);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("t1"), *cache.accessToken());
	}

	void testSingleFlight()
	{
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000));
		std::atomic<int> mints{0};
		auto mint = [&] {
			++mints;
			std::this_thread::sleep_for(milliseconds(200));
			return issued("shared");
		};
		std::vector<std::thread> threads;
		std::atomic<int> gotToken{0};
		for (int i = 0; i < 32; ++i)
		{
			threads.emplace_back([&] {
				if (cache.get(false, TokenCache::Clock::now() + seconds(10), mint).ok()) ++gotToken;
			});
		}
		for (auto& thread : threads) thread.join();
		CPPUNIT_ASSERT_EQUAL(1, mints.load());
		CPPUNIT_ASSERT_EQUAL(32, gotToken.load());
	}

	void testWaitersShareAFailure()
	{
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000));
		std::atomic<int> mints{0};
		auto mint = [&] {
			++mints;
			std::this_thread::sleep_for(milliseconds(200));
			return refused(ErrorKind::Network, 500);
		};
		std::vector<std::thread> threads;
		std::atomic<int> failed{0};
		for (int i = 0; i < 8; ++i)
		{
			threads.emplace_back([&] {
				if (!cache.get(false, TokenCache::Clock::now() + seconds(10), mint).ok()) ++failed;
			});
		}
		for (auto& thread : threads) thread.join();
		CPPUNIT_ASSERT_EQUAL(1, mints.load());
		CPPUNIT_ASSERT_EQUAL(8, failed.load());
	}

	void testWaitEndsAtDeadline()
	{
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000));
		std::thread slow([&] {
			cache.get(false, FAR, [] {
				std::this_thread::sleep_for(milliseconds(800));
				return issued("late");
			});
		});
		std::this_thread::sleep_for(milliseconds(100));
		TokenResult waited =
			cache.get(false, TokenCache::Clock::now() + milliseconds(100), [] { return issued("never"); });
		slow.join();
		CPPUNIT_ASSERT(!waited.ok());
		CPPUNIT_ASSERT_EQUAL(std::string("timeout"), std::string(toString(waited.error->kind)));
	}

	void testRefusedLoginBacksOff()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(3000), clock.function());
		int mints = 0;
		auto mint = [&] {
			++mints;
			return refused(ErrorKind::AuthFailed, 403);
		};

		CPPUNIT_ASSERT(!cache.get(false, FAR, mint).fromCache);
		for (int i = 0; i < 10; ++i)
		{
			TokenResult served = cache.get(i % 2 == 0, FAR, mint); // force does not bypass the backoff
			CPPUNIT_ASSERT(served.fromCache);
			CPPUNIT_ASSERT_EQUAL(403, served.statusCode);
			CPPUNIT_ASSERT(served.error->retryAfterSeconds && *served.error->retryAfterSeconds > 0);
		}
		CPPUNIT_ASSERT_EQUAL(1, mints);
		clock.now += milliseconds(1000);
		cache.get(false, FAR, mint);
		CPPUNIT_ASSERT_EQUAL(2, mints);
		clock.now += milliseconds(1999); // the second refusal doubled the quiet period
		cache.get(false, FAR, mint);
		CPPUNIT_ASSERT_EQUAL(2, mints);
		clock.now += milliseconds(1);
		cache.get(false, FAR, mint);
		CPPUNIT_ASSERT_EQUAL(3, mints);
		clock.now += milliseconds(3000); // capped at the maximum
		cache.get(false, FAR, mint);
		CPPUNIT_ASSERT_EQUAL(4, mints);

		// Success clears the failure and resets the backoff.
		clock.now += milliseconds(3000);
		TokenResult ok = cache.get(false, FAR, [&] {
			++mints;
			return issued("good");
		});
		CPPUNIT_ASSERT(ok.ok());
		TokenResult forced = cache.get(true, FAR, mint);
		CPPUNIT_ASSERT(!forced.fromCache);
		clock.now += milliseconds(1000);
		cache.get(true, FAR, mint);
		CPPUNIT_ASSERT_EQUAL(7, mints);
	}

	void testRateLimitIsRemembered()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(3000), clock.function());
		int mints = 0;
		auto mint = [&] {
			++mints;
			return refused(ErrorKind::RateLimited, 429, 5.0);
		};
		cache.get(false, FAR, mint);
		clock.now += milliseconds(4900);
		CPPUNIT_ASSERT(cache.get(false, FAR, mint).fromCache);
		CPPUNIT_ASSERT_EQUAL(1, mints);
		clock.now += milliseconds(100);
		cache.get(false, FAR, mint);
		CPPUNIT_ASSERT_EQUAL(2, mints);
	}

	void testTransientFailuresAreNotRemembered()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(3000), clock.function());
		int mints = 0;
		for (ErrorKind kind : {ErrorKind::Network, ErrorKind::Timeout, ErrorKind::ServerError, ErrorKind::Tls})
			cache.get(false, FAR, [&] {
				++mints;
				return refused(kind, 500);
			});
		CPPUNIT_ASSERT_EQUAL(4, mints);
	}

	void testForget()
	{
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(3000));
		cache.get(false, FAR, [] { return issued("mine"); });
		cache.forget("someone-elses");
		CPPUNIT_ASSERT_EQUAL(std::string("mine"), *cache.accessToken());
		cache.forget("mine");
		CPPUNIT_ASSERT(!cache.accessToken());
	}

	/// Each CPU serves hits from a copy of its own: a new token, a forgotten one and the renewal
	/// window reach every copy, and a copy serves what is left of the token's life.
	void testEveryCpuSeesEachChange()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000), clock.function());
		std::atomic<int> mints{0};
		auto mint = [&] { return issued("t" + std::to_string(++mints)); };
		using Falcon::Testing::onCpu;
		const std::vector<long> cpus = Falcon::Testing::usableCpus();
		const auto everyCpu = [&](const std::string& expected, bool fromCache) {
			for (const long cpu : cpus)
			{
				for (int hit = 0; hit < 2; ++hit) // the first fills the CPU's copy, the second reads it
				{
					const TokenResult result = onCpu(cpu, [&] { return cache.get(false, FAR, mint); });
					CPPUNIT_ASSERT_EQUAL(expected, tokenOf(result));
					CPPUNIT_ASSERT_EQUAL(fromCache, result.fromCache);
					fromCache = true;
				}
			}
		};

		everyCpu("t1", false);
		CPPUNIT_ASSERT_EQUAL(std::string("t2"), tokenOf(cache.get(true, FAR, mint)));
		everyCpu("t2", true);
		cache.forget("t2");
		everyCpu("t3", false);
		clock.now += seconds(1000);
		for (const long cpu : cpus)
		{
			const TokenResult result = onCpu(cpu, [&] { return cache.get(false, FAR, mint); });
			CPPUNIT_ASSERT_EQUAL(799L, static_cast<long>(result.remainingLifetime->count()));
		}
		clock.now += seconds(1799 - 120 - 1000); // stale
		everyCpu("t4", false);
		CPPUNIT_ASSERT_EQUAL(4, mints.load());
	}

	/// The output made straight from a CPU's copy is the one a hit's result gives (with the
	/// caller's labels), one object for every hit while the lifetime left reads the same, and
	/// there only while get() would serve the token from memory.
	void testCachedOutputIsAHitsOutput()
	{
		ManualClock clock;
		TokenCache cache(seconds(120), milliseconds(1000), milliseconds(8000), clock.function());
		auto mint = [] { return tracedReply("t1"); };
		const auto text = [](const Poco::JSON::Object::Ptr& output) {
			std::ostringstream out;
			output->stringify(out);
			return out.str();
		};
		const TokenReplicas::Labels labels = [](Poco::JSON::Object& output) { output.set("label", std::string("on")); };
		const long cpu = Falcon::Testing::usableCpus().front();
		const bool checked = Falcon::Testing::onCpu(cpu, [&] {
			CPPUNIT_ASSERT(!cache.cachedOutput());
			cache.get(false, FAR, mint);
			clock.now += seconds(100);
			const std::string hit = text(cache.get(false, FAR, mint).toJSON()); // places this CPU's copy
			const Poco::JSON::Object::Ptr direct = cache.cachedOutput();
			CPPUNIT_ASSERT(direct);
			CPPUNIT_ASSERT_EQUAL(hit, text(direct));
			CPPUNIT_ASSERT_EQUAL(Poco::Int64(1699), direct->getObject("body")->getValue<Poco::Int64>("expires_in"));
			CPPUNIT_ASSERT(cache.cachedOutput().get() == direct.get()); // shared, not made again

			const Poco::JSON::Object::Ptr labelled = cache.cachedOutput(labels);
			CPPUNIT_ASSERT(labelled.get() != direct.get());
			CPPUNIT_ASSERT_EQUAL(std::string("on"), labelled->getValue<std::string>("label"));
			CPPUNIT_ASSERT(cache.cachedOutput(labels).get() == labelled.get());
			CPPUNIT_ASSERT(!direct->has("label"));

			clock.now += seconds(1); // a second less left: made anew, the one given out unchanged
			const Poco::JSON::Object::Ptr later = cache.cachedOutput();
			CPPUNIT_ASSERT(later.get() != direct.get());
			CPPUNIT_ASSERT_EQUAL(Poco::Int64(1698), later->getObject("body")->getValue<Poco::Int64>("expires_in"));
			CPPUNIT_ASSERT_EQUAL(Poco::Int64(1699), direct->getObject("body")->getValue<Poco::Int64>("expires_in"));
			CPPUNIT_ASSERT_EQUAL(later->getObject("body")->getValue<std::string>("access_token"), std::string("t1"));

			clock.now += seconds(1799 - 120 - 101); // stale
			CPPUNIT_ASSERT(!cache.cachedOutput());
			cache.get(false, FAR, mint);
			cache.get(false, FAR, mint);
			CPPUNIT_ASSERT(cache.cachedOutput());
			cache.forget("t1");
			CPPUNIT_ASSERT(!cache.cachedOutput());
			return true;
		});
		CPPUNIT_ASSERT(checked);
	}

	/// The process's list of revoked tokens keeps the newest MAX_KEPT, and says when it changed.
	void testRevokedTokensAreBounded()
	{
		RevokedTokens revoked;
		const unsigned long before = RevokedTokens::generation();
		for (std::size_t i = 0; i < RevokedTokens::MAX_KEPT + 10; ++i)
			revoked.add("revoked-token-" + std::to_string(i));
		CPPUNIT_ASSERT(RevokedTokens::generation() != before);
		CPPUNIT_ASSERT(!revoked.contains("revoked-token-0"));
		CPPUNIT_ASSERT(!revoked.contains("revoked-token-9"));
		CPPUNIT_ASSERT(revoked.contains("revoked-token-10"));
		CPPUNIT_ASSERT(revoked.contains("revoked-token-" + std::to_string(RevokedTokens::MAX_KEPT + 9)));
		CPPUNIT_ASSERT(!revoked.contains("never-revoked"));
	}
};

FALCON_REGISTER_SUITE(TokenCacheTest);
