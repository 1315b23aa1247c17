// Workflow files: YAML, the workflow schema, references, expressions, literal inputs checked
// against the plugin's input schemas. Loading only: nothing runs.
#include "FuzzPlugin.h"

#include "workflow/WorkflowLoader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static const Falcon::Workflow::WorkflowLoader loader(
		[](const std::string& name) { return Falcon::Fuzzing::plugin().find(name); });
	try
	{
		loader.loadText(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
	}
	catch (const Falcon::Workflow::WorkflowInvalid& e)
	{
		if (e.problems().empty()) std::abort(); // a refusal always says why
	}
	return 0;
}
