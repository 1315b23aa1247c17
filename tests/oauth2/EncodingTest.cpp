#include "SuiteDriver.h"

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/http/FormBody.h"
#include "falcon/oauth2/core/Redactor.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::OAuth2;

class EncodingTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(EncodingTest);
	CPPUNIT_TEST(testFormEncodingMatchesQuotePlus);
	CPPUNIT_TEST(testFormFieldOrder);
	CPPUNIT_TEST(testRedactsEverySpelling);
	CPPUNIT_TEST(testLongerSecretsFirst);
	CPPUNIT_TEST(testShortSecretsOnlyWhereTheyAreValues);
	CPPUNIT_TEST(testTokenMemoryIsBounded);
	CPPUNIT_TEST(testTokensMaskedInEverySpelling);
	CPPUNIT_TEST(testSyntheticShape);
	CPPUNIT_TEST(testResultJsonPassesBodyThrough);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFormEncodingMatchesQuotePlus()
	{
		// Python: urllib.parse.quote_plus("a b+c/d=e&f~g_h.i-j%k")
		CPPUNIT_ASSERT_EQUAL(std::string("a+b%2Bc%2Fd%3De%26f~g_h.i-j%25k"), FormBody::encode("a b+c/d=e&f~g_h.i-j%k"));
		CPPUNIT_ASSERT_EQUAL(std::string("%C3%A9%00"), FormBody::encode(std::string("\xC3\xA9\0", 3)));
		CPPUNIT_ASSERT_EQUAL(std::string(), FormBody::encode(""));
	}

	void testFormFieldOrder()
	{
		FormBody form;
		form.add("client_id", "cid").add("client_secret", "secret").add("member_cid", "CHILD");
		CPPUNIT_ASSERT_EQUAL(std::string("client_id=cid&client_secret=secret&member_cid=CHILD"), form.str());
	}

	void testRedactsEverySpelling()
	{
		Redactor redactor;
		const std::string secret = "s3cr3t/Value+with=special&chars \"q\"";
		redactor.addSecret(secret);
		FormBody form;
		form.add("client_secret", secret);
		CPPUNIT_ASSERT_EQUAL(std::string("client_secret=***"), redactor.redact(form.str()));
		CPPUNIT_ASSERT_EQUAL(std::string("raw ***."), redactor.redact("raw " + secret + "."));
		CPPUNIT_ASSERT_EQUAL(
			std::string("{\"s\":\"***\"}"), redactor.redact("{\"s\":\"s3cr3t\\/Value+with=special&chars \\\"q\\\"\"}"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("x=***"), redactor.redact("x=s3cr3t%2FValue%2Bwith%3Dspecial%26chars%20%22q%22"));
		CPPUNIT_ASSERT_EQUAL(std::string("nothing secret"), redactor.redact("nothing secret"));
		redactor.addSecret("");
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), redactor.redact("abc"));
	}

	void testLongerSecretsFirst()
	{
		Redactor redactor;
		redactor.addSecret("abcdefgh");
		redactor.addToken("abcdefghijkl");
		CPPUNIT_ASSERT_EQUAL(std::string("*** and ***"), redactor.redact("abcdefghijkl and abcdefgh"));
	}

	/// A one-letter proxy password masked as a bare substring turned "https://" into
	/// "htt***s://", spelling the password out by its places.
	void testShortSecretsOnlyWhereTheyAreValues()
	{
		Redactor redactor;
		redactor.addSecret("p");
		CPPUNIT_ASSERT_EQUAL(std::string("cannot reach https://api.example via http://user:***@127.0.0.1:3128 (proxy)"),
			redactor.redact("cannot reach https://api.example via http://user:p@127.0.0.1:3128 (proxy)"));
		CPPUNIT_ASSERT_EQUAL(std::string("password=***&user=pp"), redactor.redact("password=p&user=pp"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"password\": \"***\", \"port\": \"p1\"}"),
			redactor.redact("{\"password\": \"p\", \"port\": \"p1\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("***"), redactor.redact("p"));
		CPPUNIT_ASSERT_EQUAL(std::string("a=***; b=***"), redactor.redact("a=p; b=p"));
	}

	/// Tokens are kept as they are and spelled out when text is redacted: every spelling still
	/// goes, and a token added again after others is still masked.
	void testTokensMaskedInEverySpelling()
	{
		Redactor redactor;
		const std::string token = "tok/en+with=chars \"q\"";
		redactor.addToken(token);
		redactor.addToken("another-token-value");
		redactor.addToken(token);
		FormBody form;
		form.add("token", token);
		CPPUNIT_ASSERT_EQUAL(std::string("token=***"), redactor.redact(form.str()));
		CPPUNIT_ASSERT_EQUAL(
			std::string("{\"t\":\"***\"}"), redactor.redact("{\"t\":\"tok\\/en+with=chars \\\"q\\\"\"}"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("raw *** and ***"), redactor.redact("raw " + token + " and another-token-value"));
	}

	void testTokenMemoryIsBounded()
	{
		Redactor redactor;
		for (std::size_t i = 0; i < Redactor::TOKEN_MEMORY + 10; ++i)
			redactor.addToken("token-number-" + std::to_string(i) + "-end");
		CPPUNIT_ASSERT_EQUAL(std::string("token-number-0-end"), redactor.redact("token-number-0-end"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("***"), redactor.redact("token-number-" + std::to_string(Redactor::TOKEN_MEMORY + 9) + "-end"));
	}

	void testSyntheticShape()
	{
		const ApiResult result =
			ApiResult::synthetic(500, Error{ErrorKind::Network, "cannot connect", true, std::nullopt, {}});
		std::ostringstream json;
		result.toJSON()->stringify(json);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"status_code\":500,\"headers\":{},\"body\":{\"errors\":[{\"message\":"
										 "\"cannot connect\",\"code\":500}],\"resources\":[]},"
										 "\"error\":{\"kind\":\"network\",\"message\":\"cannot "
										 "connect\",\"retryable\":true,\"retry_after_s\":null,\"trace_id\":\"\"}}"),
			json.str());
	}

	void testResultJsonPassesBodyThrough()
	{
		ApiResult result;
		result.statusCode = 201;
		result.headers = {{"X-Cs-Region", "us-2"}, {"Set-Cookie", "a"}, {"Set-Cookie", "b"}};
		result.body = "{\"access_token\":\"t\",\"expires_in\":1799,\"token_type\":\"bearer\"}";
		std::ostringstream json;
		result.toJSON()->stringify(json);
		CPPUNIT_ASSERT_EQUAL(
			std::string("{\"status_code\":201,\"headers\":{\"X-Cs-Region\":\"us-2\",\"Set-Cookie\":\"a, b\"},"
						"\"body\":{\"access_token\":\"t\",\"expires_in\":1799,\"token_type\":\"bearer\"}}"),
			json.str());
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), result.header("x-cs-region"));

		result.body = "<html>bad gateway</html>";
		std::ostringstream text;
		result.toJSON()->stringify(text);
		CPPUNIT_ASSERT(text.str().find("\"body\":\"<html>bad gateway</html>\"") != std::string::npos);
	}
};

FALCON_REGISTER_SUITE(EncodingTest);
