#include "SuiteDriver.h"

#include "falcon/plugin/PluginLoader.h"
#include "workflow/WorkflowLoader.h"

#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace Falcon::Workflow;

namespace {

std::vector<std::string> problemsOf(const WorkflowLoader& loader, const std::string& yaml)
{
	try
	{
		loader.loadText(yaml, "wf.yaml");
		return {};
	}
	catch (const WorkflowInvalid& invalid)
	{
		return invalid.problems();
	}
}

std::string joined(const std::vector<std::string>& problems)
{
	std::string all;
	for (const auto& problem : problems) all += problem + "\n";
	return all;
}

const std::string HEAD = "version: 1\nname: t\n";

} // namespace

/// Every kind of problem the loader finds, with its place, and all of them at once.
class WorkflowLoaderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WorkflowLoaderTest);
	CPPUNIT_TEST(testValidWorkflowLoads);
	CPPUNIT_TEST(testYamlSyntax);
	CPPUNIT_TEST(testSchemaRules);
	CPPUNIT_TEST(testUnknownKeys);
	CPPUNIT_TEST(testUnknownAction);
	CPPUNIT_TEST(testStepReferences);
	CPPUNIT_TEST(testInputAndEnvReferences);
	CPPUNIT_TEST(testExpressionSyntax);
	CPPUNIT_TEST(testLiteralInputsAgainstTheActionSchema);
	CPPUNIT_TEST(testDuplicateIds);
	CPPUNIT_TEST(testAllProblemsAtOnce);
	CPPUNIT_TEST(testValuesOfTheWrongShape);
	CPPUNIT_TEST(testAliasExpansionIsBounded);
	CPPUNIT_TEST(testOneDocumentPerFile);
	CPPUNIT_TEST(testMessagesQuoteUntrustedText);
	CPPUNIT_TEST(testExamplesLoad);
	CPPUNIT_TEST(testDocumentedExampleLoads);
	CPPUNIT_TEST_SUITE_END();

	Falcon::Plugin::PluginLoader _plugin;
	std::unique_ptr<WorkflowLoader> _loader;

	void expectOne(const std::string& yaml, const std::string& expected)
	{
		const auto problems = problemsOf(*_loader, yaml);
		CPPUNIT_ASSERT_MESSAGE(yaml + "\n-> " + joined(problems), !problems.empty());
		CPPUNIT_ASSERT_MESSAGE("expected '" + expected + "' in:\n" + joined(problems),
			joined(problems).find(expected) != std::string::npos);
	}

public:
	void setUp() override
	{
		_plugin.load(FALCON_PLUGIN_MODULE);
		_loader = std::make_unique<WorkflowLoader>([this](const std::string& name) { return _plugin.find(name); });
	}

	void tearDown() override
	{
		_loader.reset();
		_plugin.unload();
	}

	void testValidWorkflowLoads()
	{
		const WorkflowDefinition workflow = _loader->loadText(HEAD
				+ "inputs:\n  cid: {type: string, secret: true}\n"
				  "steps:\n"
				  "  - id: auth\n    action: token\n    with: {member_cid: '${{ inputs.cid }}', force: true}\n"
				  "    retry: {max_attempts: 3, on: [rate_limited]}\n"
				  "  - id: revoke\n    action: oauth2RevokeToken\n    if: ${{ always() }}\n    with: {token: '${{ "
				  "steps.auth.outputs.body.access_token }}'}\n    on_error: continue\n"
				  "outputs:\n  region: '${{ steps.auth.outputs.headers.X-Cs-Region }}'\n",
			"wf.yaml");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), workflow.steps.size());
		CPPUNIT_ASSERT_EQUAL(std::string("oauth2AccessToken"), workflow.steps[0].action->operationId());
		CPPUNIT_ASSERT_EQUAL(3, workflow.steps[0].retry.maxAttempts);
		CPPUNIT_ASSERT(workflow.steps[1].cleanup);
		CPPUNIT_ASSERT(workflow.steps[1].continueOnError);
		CPPUNIT_ASSERT(workflow.inputs.at("cid").secret);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), workflow.steps[0].secretOutputPaths.size());
		CPPUNIT_ASSERT_EQUAL(std::string("access_token"), workflow.steps[0].secretOutputPaths[0][1]);
	}

	void testYamlSyntax()
	{
		const auto problems = problemsOf(*_loader, "version: 1\nsteps:\n  - id: a\n    action: [token\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems.size());
		CPPUNIT_ASSERT_MESSAGE(problems[0], problems[0].find("wf.yaml:5:1: YAML syntax: ") == 0);
		expectOne("version: 1\nsteps: {a: 1\n", "YAML syntax");
	}

	void testSchemaRules()
	{
		expectOne("version: 2\nsteps:\n  - {id: a, action: token}\n", "wf.yaml:1:1: version: ");
		expectOne("version: 1\n", "the workflow: Missing required property 'steps'.");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    retry: {max_attempts: 0}\n",
			"wf.yaml:6:13: steps[0].retry.max_attempts: ");
		expectOne(
			HEAD + "steps:\n  - id: a\n    action: token\n    on_error: ignore\n", "wf.yaml:6:5: steps[0].on_error: ");
		expectOne(HEAD + "steps:\n  - id: 'has space'\n    action: token\n", "steps[0].id: ");
		expectOne(HEAD + "steps:\n  - action: token\n", "wf.yaml:4:5: steps[0]: Missing required property 'id'.");
		expectOne(
			HEAD + "steps:\n  - id: a\n    action: token\n    retry: {on: [sunspots]}\n", "steps[0].retry.on[0]: ");
	}

	void testUnknownKeys()
	{
		expectOne(HEAD + "stepz: []\nsteps:\n  - {id: a, action: token}\n", "'stepz'");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    when: now\n",
			"wf.yaml:4:5: steps[0]: Object contains a property that could not be validated using 'properties' or "
			"'additionalProperties' constraints: 'when'.");
	}

	void testUnknownAction()
	{
		expectOne(HEAD + "steps:\n  - id: a\n    action: oauth2Nonsense\n",
			"wf.yaml:5:5: step a: unknown action 'oauth2Nonsense'");
	}

	void testStepReferences()
	{
		expectOne(HEAD
				+ "steps:\n  - id: a\n    action: token\n    with: {member_cid: '${{ steps.b.outputs.x }}'}\n  - {id: "
				  "b, action: token}\n",
			"'steps.b.outputs.x' refers to a step that has not run yet");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    if: steps.ghost.status == 'success'\n",
			"wf.yaml:6:5: steps[0].if: 'steps.ghost.status' refers to a step that does not exist");
		expectOne(
			HEAD + "steps:\n  - {id: a, action: token}\n  - id: b\n    action: token\n    if: steps.a.result == 'ok'\n",
			"reads 'result'; a step has outputs, status, error and attempts");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    with: {member_cid: '${{ item }}'}\n",
			"'item' is only defined in the with: of a for_each step");
	}

	void testInputAndEnvReferences()
	{
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    with: {member_cid: '${{ inputs.cid }}'}\n",
			"wf.yaml:6:12: steps[0].with.member_cid: 'inputs.cid' refers to an input the workflow does not declare "
			"under inputs:");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    with: {member_cid: '${{ env.HOME }}'}\n",
			"'env.HOME' refers to a variable the workflow does not declare under env:");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    if: secrets.x\n",
			"'secrets.x' starts with an unknown name (inputs, env, steps, item, index)");
	}

	void testExpressionSyntax()
	{
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    if: '${{ steps.a.status == }}'\n",
			"steps[0].if: in '${{ steps.a.status == }}': column 20: expected a value");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    with: {member_cid: '${{ inputs.x'}\n",
			"is never closed with '}}'");
		expectOne(HEAD + "steps:\n  - {id: a, action: token}\noutputs:\n  x: '${{ explode() }}'\n",
			"outputs.x: in '${{ explode() }}': unknown function explode()");
	}

	void testLiteralInputsAgainstTheActionSchema()
	{
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    with: {force: 'yes'}\n", "steps[0].with.force: ");
		// What the run would refuse, the check refuses: one rule.
		expectOne(HEAD + "steps:\n  - id: a\n    action: revoke\n    with: {token: \"a\\0b\"}\n",
			"steps[0].with.token: must not contain control characters");
		expectOne(HEAD + "steps:\n  - id: a\n    action: token\n    with: {bogus: 1}\n",
			"step a: steps[0].with: Object contains a property");
		expectOne(HEAD + "steps:\n  - id: a\n    action: revoke\n    with: {}\n",
			"step a: steps[0].with: give the token to revoke as token (or as data.token), not both");
		// A value only known at run time is checked then, not refused now.
		CPPUNIT_ASSERT(problemsOf(*_loader,
			HEAD
				+ "inputs:\n  f: {type: boolean}\nsteps:\n  - id: a\n    action: token\n    with: {force: '${{ "
				  "inputs.f }}', member_cid: '${{ inputs.f }}'}\n")
						   .empty());
	}

	void testDuplicateIds()
	{
		expectOne(HEAD + "steps:\n  - {id: a, action: token}\n  - {id: a, action: token}\n",
			"steps: the id 'a' is used twice");
	}

	void testAllProblemsAtOnce()
	{
		const auto problems = problemsOf(*_loader,
			HEAD
				+ "steps:\n"
				  "  - id: a\n    action: nope\n"
				  "  - id: b\n    action: token\n    with: {force: 'yes', member_cid: '${{ inputs.none }}'}\n"
				  "  - id: c\n    action: revoke\n    if: '${{ ((( }}'\n    retry: {max_attempts: 99}\n");
		CPPUNIT_ASSERT_MESSAGE(joined(problems), problems.size() >= 5);
		for (const char* expected : {"unknown action 'nope'", "steps[1].with.force", "'inputs.none'", "steps[2].if",
				 "steps[2].retry.max_attempts"})
			CPPUNIT_ASSERT_MESSAGE(std::string(expected) + " in\n" + joined(problems),
				joined(problems).find(expected) != std::string::npos);
	}

	void testValuesOfTheWrongShape()
	{
		// Found by fuzzing: a null name, an object as a step id, a mapping as a retry count.
		for (const std::string yaml : {"version: 1\nname:\nsteps:\n  - id: a\n    action: oauth2AccessToken\n",
				 "version: 1\nname: t\nsteps:\n  - id: {x: 1}\n    action: oauth2AccessToken\n",
				 "version: 1\nname: t\nsteps:\n  - id: a\n    action: oauth2AccessToken\n    retry: {max_attempts: {x: "
				 "1}, on: [null]}\n"})
		{
			const auto problems = problemsOf(*_loader, yaml);
			CPPUNIT_ASSERT_MESSAGE(yaml, !problems.empty());
			CPPUNIT_ASSERT_MESSAGE(joined(problems), problems.front().rfind("wf.yaml:", 0) == 0);
		}
	}

	/// "Billion laughs": ten levels of nine aliases stand for 9^10 values in 600 bytes.
	void testAliasExpansionIsBounded()
	{
		std::string yaml = "version: 1\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
		for (int level = 1; level <= 10; ++level)
		{
			const std::string previous = "*x" + std::to_string(level - 1);
			yaml += "x" + std::to_string(level) + ": &x" + std::to_string(level) + " [";
			for (int i = 0; i < 9; ++i) yaml += (i ? ", " : "") + previous;
			yaml += "]\n";
		}
		yaml += "steps:\n  - {id: a, action: token}\n";
		CPPUNIT_ASSERT(yaml.size() < 700);
		const auto problems = problemsOf(*_loader, yaml);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(problems), std::size_t(1), problems.size());
		CPPUNIT_ASSERT_MESSAGE(problems[0], problems[0].find("wf.yaml:") == 0);
		CPPUNIT_ASSERT_MESSAGE(problems[0],
			problems[0].find("stands for more than 100000 values once its aliases are expanded") != std::string::npos);
		// Aliases within the budget are fine.
		const WorkflowDefinition shared = _loader->loadText(HEAD
				+ "steps:\n"
				  "  - {id: a, action: token, with: &defaults {force: true}}\n  - {id: b, action: token, with: "
				  "*defaults}\n",
			"wf.yaml");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), shared.steps.size());
	}

	void testOneDocumentPerFile()
	{
		expectOne(
			HEAD + "steps:\n  - {id: a, action: token}\n---\nversion: 1\n", "wf.yaml:5:1: a second YAML document");
	}

	/// Text from the file is quoted, escaped and cut: a workflow from elsewhere cannot clear the
	/// screen of whoever checks it, nor flood it.
	void testMessagesQuoteUntrustedText()
	{
		const auto escapes = problemsOf(*_loader, HEAD + "steps:\n  - id: a\n    action: \"\\e[2J\\e[H\"\n");
		CPPUNIT_ASSERT_MESSAGE(
			joined(escapes), joined(escapes).find("unknown action '\\x1b[2J\\x1b[H'") != std::string::npos);
		CPPUNIT_ASSERT(joined(escapes).find('\x1b') == std::string::npos);
		const std::string huge = "${{ " + std::string(1600000, '(') + " }}";
		const auto long_ =
			problemsOf(*_loader, HEAD + "steps:\n  - id: a\n    action: token\n    if: '" + huge + "'\n");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(long_).substr(0, 500), std::size_t(1), long_.size());
		CPPUNIT_ASSERT_MESSAGE(long_[0].substr(0, 500), long_[0].size() < 400);
		CPPUNIT_ASSERT_MESSAGE(long_[0], long_[0].find("(1600007 characters)") != std::string::npos);
	}

	void testExamplesLoad()
	{
		for (const char* example : {"token-lifecycle.yaml", "mssp-fanout.yaml", "rate-limit-resilience.yaml"})
		{
			try
			{
				_loader->loadFile(std::string(FALCON_WORKFLOW_DIR) + "/" + example);
			}
			catch (const WorkflowInvalid& invalid)
			{
				CPPUNIT_FAIL(std::string(example) + ":\n" + joined(invalid.problems()));
			}
		}
	}

	/// The workflow page's example (docs/workflows.md), the one with inputs and env.
	void testDocumentedExampleLoads()
	{
		Poco::FileInputStream in(FALCON_WORKFLOWS_DOC);
		std::string page;
		Poco::StreamCopier::copyToString(in, page);
		const auto start = page.find("```yaml\n");
		CPPUNIT_ASSERT(start != std::string::npos);
		const auto end = page.find("```", start + 8);
		const std::string yaml = page.substr(start + 8, end - start - 8);
		try
		{
			const WorkflowDefinition workflow = _loader->loadText(yaml, "docs/workflows.md");
			CPPUNIT_ASSERT_EQUAL(std::size_t(2), workflow.steps.size());
		}
		catch (const WorkflowInvalid& invalid)
		{
			CPPUNIT_FAIL("docs/workflows.md's workflow:\n" + joined(invalid.problems()));
		}
	}
};

FALCON_REGISTER_SUITE(WorkflowLoaderTest);
