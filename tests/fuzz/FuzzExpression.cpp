// The expression language of workflow files: parsing, and evaluation against steps' outputs.
#include "workflow/Expression.h"

#include <Poco/JSON/Object.h>

#include <cstdint>

using namespace Falcon::Workflow;

namespace {

/// A run in progress: one input, one step's outputs (with a secret), some status.
class SampleRun: public EvaluationContext
{
public:
	Value lookup(const std::vector<std::string>& path) const override
	{
		if (path.size() == 2 && path[0] == "inputs" && path[1] == "member_cid")
			return {std::string("abcdef0123456789"), false};
		if (path.size() >= 3 && path[0] == "steps" && path[1] == "auth")
		{
			Poco::JSON::Object::Ptr outputs = new Poco::JSON::Object;
			outputs->set("status_code", 201);
			Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
			body->set("access_token", "a-token");
			body->set("expires_in", 1799);
			outputs->set("body", body);
			return {outputs, true};
		}
		return {};
	}
	bool succeeded() const override { return true; }
	bool failed() const override { return false; }
	bool cancelled() const override { return false; }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	const std::string text(reinterpret_cast<const char*>(data), size);
	static const SampleRun run;
	try
	{
		Expression::parse(text).evaluate(run).text();
	}
	catch (const ExpressionError&)
	{
		// refused with a message: what a workflow author sees
	}
	try
	{
		Template::parse(text).evaluate(run).text();
	}
	catch (const ExpressionError&)
	{
	}
	return 0;
}
