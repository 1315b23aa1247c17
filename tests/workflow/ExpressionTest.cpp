#include "SuiteDriver.h"

#include "workflow/Expression.h"
#include "workflow/InputTemplate.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <random>

using namespace Falcon::Workflow;

namespace {

/// Paths from a JSON document; `secret.*` paths are secret.
class FixedContext: public EvaluationContext
{
public:
	explicit FixedContext(const std::string& json, bool failed = false): _failed(failed)
	{
		Poco::JSON::Parser parser;
		_root = parser.parse(json);
	}

	Value lookup(const std::vector<std::string>& path) const override
	{
		Poco::Dynamic::Var value = _root;
		for (const auto& part : path)
		{
			const auto object =
				value.type() == typeid(Poco::JSON::Object::Ptr) ? value.extract<Poco::JSON::Object::Ptr>() : nullptr;
			if (!object || !object->has(part)) return {};
			value = object->get(part);
		}
		return Value{value, path.front() == "secret"};
	}

	bool succeeded() const override { return !_failed; }
	bool failed() const override { return _failed; }
	bool cancelled() const override { return false; }

private:
	Poco::Dynamic::Var _root;
	bool _failed;
};

const FixedContext CONTEXT(R"({"inputs": {"cid": "abc", "n": 3, "flag": true, "empty": ""},
	"steps": {"auth": {"status": "success", "outputs": {"headers": {"X-Cs-Region": "us-2"}, "body": {"expires_in": 1799}}}},
	"secret": {"token": "tok-123"}})");

Value eval(const std::string& text, const EvaluationContext& context = CONTEXT)
{
	return Expression::parse(text).evaluate(context);
}

std::string errorOf(const std::string& text)
{
	try
	{
		Expression::parse(text);
		return "";
	}
	catch (const ExpressionError& e)
	{
		return e.what();
	}
}

} // namespace

class ExpressionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ExpressionTest);
	CPPUNIT_TEST(testLiteralsAndPaths);
	CPPUNIT_TEST(testPrecedence);
	CPPUNIT_TEST(testComparisonsAndTypes);
	CPPUNIT_TEST(testMissingPathsAreNull);
	CPPUNIT_TEST(testFunctions);
	CPPUNIT_TEST(testTemplates);
	CPPUNIT_TEST(testTaint);
	CPPUNIT_TEST(testInputTemplates);
	CPPUNIT_TEST(testMalformedInputIsRefused);
	CPPUNIT_TEST(testNeverCrashesOnArbitraryInput);
	CPPUNIT_TEST_SUITE_END();

public:
	void testLiteralsAndPaths()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("it's"), eval("'it''s'").data.extract<std::string>());
		CPPUNIT_ASSERT_EQUAL(std::string("x"), eval("\"x\"").data.extract<std::string>());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(42), eval("42").data.extract<Poco::Int64>());
		CPPUNIT_ASSERT_EQUAL(-1.5, eval("-1.5").data.extract<double>());
		// Whole numbers beyond Int64 stay doubles (converting them was undefined behaviour).
		CPPUNIT_ASSERT_EQUAL(4.5e72,
			eval("4500000000000000000000000000000000000000000000000000000000000000000000000").data.extract<double>());
		CPPUNIT_ASSERT(eval("null").data.isEmpty());
		CPPUNIT_ASSERT_EQUAL(std::string("us-2"), eval("steps.auth.outputs.headers.X-Cs-Region").data.toString());
		CPPUNIT_ASSERT_EQUAL(1799, eval("steps.auth.outputs.body.expires_in").data.convert<int>());
		const Expression expression = Expression::parse("inputs.cid == steps.auth.status");
		const auto& paths = expression.paths();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), paths.size());
		CPPUNIT_ASSERT_EQUAL(std::string("status"), paths[1][2]);
	}

	void testPrecedence()
	{
		CPPUNIT_ASSERT(eval("true || false && false").truthy()); // && binds tighter
		CPPUNIT_ASSERT(!eval("(true || false) && false").truthy());
		CPPUNIT_ASSERT(eval("!false && true").truthy()); // ! binds tightest
		CPPUNIT_ASSERT(!eval("!(false || true)").truthy());
		CPPUNIT_ASSERT(eval("1 < 2 == true").truthy()); // comparison before equality
		CPPUNIT_ASSERT(eval("inputs.n > 2 && inputs.cid == 'abc'").truthy());
	}

	void testComparisonsAndTypes()
	{
		CPPUNIT_ASSERT(eval("inputs.n == 3").truthy());
		CPPUNIT_ASSERT(eval("inputs.n == 3.0").truthy());
		CPPUNIT_ASSERT(!eval("inputs.n == '3'").truthy()); // no string/number coercion
		CPPUNIT_ASSERT(eval("inputs.n != '3'").truthy());
		CPPUNIT_ASSERT(eval("'abc' < 'abd'").truthy());
		CPPUNIT_ASSERT(!eval("'abc' < 5").truthy()); // unlike types do not order
		CPPUNIT_ASSERT(!eval("inputs.flag == 1").truthy()); // booleans are not numbers
		CPPUNIT_ASSERT(eval("inputs.flag == true").truthy());
		CPPUNIT_ASSERT(!eval("inputs.empty").truthy());
		CPPUNIT_ASSERT(eval("steps.auth.outputs.headers == steps.auth.outputs.headers").truthy());
	}

	void testMissingPathsAreNull()
	{
		CPPUNIT_ASSERT(eval("inputs.nothing").data.isEmpty());
		CPPUNIT_ASSERT(eval("inputs.nothing == null").truthy());
		CPPUNIT_ASSERT(eval("steps.ghost.outputs.body.x == null").truthy());
		CPPUNIT_ASSERT(!eval("inputs.nothing > 1").truthy());
	}

	void testFunctions()
	{
		CPPUNIT_ASSERT(eval("succeeded()").truthy());
		CPPUNIT_ASSERT(!eval("failed()").truthy());
		CPPUNIT_ASSERT(eval("always()").truthy());
		const FixedContext failed("{}", true);
		CPPUNIT_ASSERT(eval("failed()", failed).truthy());
		CPPUNIT_ASSERT(!eval("succeeded()", failed).truthy());
		CPPUNIT_ASSERT(Expression::parse("always() && x").callsAlways());
		CPPUNIT_ASSERT(!Expression::parse("failed()").callsAlways());
		CPPUNIT_ASSERT(Expression::parse("failed()").callsStatus());
		CPPUNIT_ASSERT(!Expression::parse("inputs.cid == 'looks like a call()'").callsStatus());
	}

	void testTemplates()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("plain"), Template::parse("plain").evaluate(CONTEXT).data.toString());
		CPPUNIT_ASSERT(!Template::parse("plain").hasExpressions());
		// One whole expression keeps its type; anything else is text.
		CPPUNIT_ASSERT_EQUAL(
			Poco::Int64(3), Template::parse("${{ inputs.n }}").evaluate(CONTEXT).data.extract<Poco::Int64>());
		CPPUNIT_ASSERT_EQUAL(std::string("cid=abc, n=3"),
			Template::parse("cid=${{ inputs.cid }}, n=${{inputs.n}}").evaluate(CONTEXT).data.toString());
		CPPUNIT_ASSERT_EQUAL(
			std::string("[]"), Template::parse("[${{ inputs.nothing }}]").evaluate(CONTEXT).data.toString());
		CPPUNIT_ASSERT_THROW(Template::parse("${{ inputs.cid "), ExpressionError);
		CPPUNIT_ASSERT_THROW(Template::parse("${{ }}"), ExpressionError);
	}

	/// A `with:` without expressions is given as written, the same value to every attempt; one
	/// with an expression is built each time, its literal parts as written.
	void testInputTemplates()
	{
		const auto parse = [](const std::string& text, const std::string&) { return Template::parse(text); };
		const auto ignore = [](const Value&) {};
		Poco::JSON::Parser parser;
		const Poco::Dynamic::Var literal = parser.parse(R"({"force": true, "data": {"ids": ["a", "b"]}})");
		const InputTemplate constant = InputTemplate::compile(literal, "with", parse);
		const Poco::Dynamic::Var first = *constant.resolve(CONTEXT, ignore);
		CPPUNIT_ASSERT(first.extract<Poco::JSON::Object::Ptr>() == literal.extract<Poco::JSON::Object::Ptr>());
		CPPUNIT_ASSERT(first.extract<Poco::JSON::Object::Ptr>()
			== constant.resolve(CONTEXT, ignore)->extract<Poco::JSON::Object::Ptr>());

		const Poco::Dynamic::Var mixed = parser.parse(R"({"cid": "${{ inputs.cid }}", "data": {"ids": ["a"]}})");
		const InputTemplate built = InputTemplate::compile(mixed, "with", parse);
		const auto one = built.resolve(CONTEXT, ignore)->extract<Poco::JSON::Object::Ptr>();
		const auto two = built.resolve(CONTEXT, ignore)->extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(one != two);
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), one->getValue<std::string>("cid"));
		CPPUNIT_ASSERT(one->getObject("data") == mixed.extract<Poco::JSON::Object::Ptr>()->getObject("data"));
		const Poco::Dynamic::Var list = parser.parse(R"(["x", "${{ inputs.n }}"])");
		const auto items =
			InputTemplate::compile(list, "with", parse).resolve(CONTEXT, ignore)->extract<Poco::JSON::Array::Ptr>();
		CPPUNIT_ASSERT_EQUAL(3, items->getElement<int>(1));
	}

	void testTaint()
	{
		CPPUNIT_ASSERT(eval("secret.token").secret);
		CPPUNIT_ASSERT(!eval("inputs.cid").secret);
		const Value mixed = Template::parse("Bearer ${{ secret.token }}").evaluate(CONTEXT);
		CPPUNIT_ASSERT(mixed.secret);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-123"), mixed.data.toString());
		CPPUNIT_ASSERT(!eval("secret.token == 'x'").secret); // a comparison reveals nothing to mask
	}

	void testMalformedInputIsRefused()
	{
		const std::map<std::string, std::string> cases{
			{"", "column 1: expected an expression, found the end"},
			{"inputs.", "column 8: expected a name, found the end"},
			{"1 +", "column 3: expected an operator or the end of the expression, found '+'"},
			{"'open", "column 6: expected a closing ', found the end"},
			{"(true", "column 6: expected ')', found the end"},
			{"a == == b", "column 6: expected a value, found '='"},
			{"explode()", "unknown function explode() (succeeded, failed, always, cancelled)"},
			{"always(1)", "column 8: expected ')' (the functions take no arguments), found '1'"},
			{"inputs[x]", "column 8: expected an index and ']', found 'x'"},
			{"a & b", "column 3: expected an operator or the end of the expression, found '&'"},
		};
		for (const auto& c : cases) CPPUNIT_ASSERT_EQUAL_MESSAGE(c.first, c.second, errorOf(c.first));
		CPPUNIT_ASSERT(errorOf(std::string(200, '(') + "1" + std::string(200, ')')).find("nested too deeply")
			!= std::string::npos);
		CPPUNIT_ASSERT(errorOf(std::string(5000, '!') + "true").find("longer than 4096") != std::string::npos);
	}

	void testNeverCrashesOnArbitraryInput()
	{
		const std::string alphabet = "abc.()[]!=<>&|'\" 0123456789-_ifsucedalwyntrue";
		std::mt19937 random(12345);
		int parsed = 0;
		for (int i = 0; i < 20000; ++i)
		{
			std::string text;
			const int length = static_cast<int>(random() % 24);
			for (int j = 0; j < length; ++j) text += alphabet[random() % alphabet.size()];
			try
			{
				eval(text);
				++parsed;
			}
			catch (const ExpressionError&)
			{
				// refused with a message: fine
			}
		}
		CPPUNIT_ASSERT(parsed > 100); // the generator does reach valid expressions too
	}
};

FALCON_REGISTER_SUITE(ExpressionTest);
