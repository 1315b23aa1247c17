// The per-call benchmarks: each contender against the raw wire, side by side.

#include "BenchKit.h"

#include "falcon/oauth2/BasicCredentials.h"
#include "falcon/plugin/SchemaValidator.h"

#include <dlfcn.h>

#include <cstring>

namespace Falcon {
namespace Bench {

namespace {

const std::string TOKEN_FORM = "client_id=" + CLIENT + "&client_secret=" + SECRET;

// 1. Token mint (force: a new token each call), plugin vs raw wire.
void TokenMint(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM), pluginCall("token", "{\"force\": true}"));
}

// Control: the raw wire against itself on a second connection, to show what pairing alone costs.
void RawPair(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM), rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM));
}

// 2. The same through the C interface (JSON in, JSON out).
void CAbiTokenMint(benchmark::State& state)
{
	void* module = dlopen(FALCON_PLUGIN_MODULE, RTLD_NOW | RTLD_LOCAL);
	using Invoke = char* (*)(const char*, const char*, const char*);
	using Free = void (*)(char*);
	Invoke invokeC;
	Free release;
	*reinterpret_cast<void**>(&invokeC) = dlsym(module, "falcon_plugin_invoke");
	*reinterpret_cast<void**>(&release) = dlsym(module, "falcon_plugin_free");
	const std::string with = connectionJson();
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM), [&] {
		char* out = invokeC("oauth2AccessToken", "{\"force\": true}", with.c_str());
		const bool ok = out && std::strstr(out, "\"status_code\":201") != nullptr;
		release(out);
		return ok;
	});
	dlclose(module);
}

// 8. Revoke, plugin vs raw wire.
void Revoke(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/revoke", "token=not-a-real-token", "basic " + Falcon::OAuth2::basicCredentials(CLIENT, SECRET)),
		pluginCall("revoke", "{\"token\": \"not-a-real-token\"}"));
}

// 3. The cached token, in-process, on 1..16 threads.
void CachedToken(benchmark::State& state)
{
	static const auto with = connection();
	static const auto input = object("{}");
	for (auto _ : state)
	{
		const auto result = invoke("token", input, with);
		if (!result.ok()) state.SkipWithError("token failed");
	}
	state.SetItemsProcessed(state.iterations());
}

// 7. Input validation with compiled schemas.
void SchemaValidation(benchmark::State& state)
{
	static const Falcon::Plugin::SchemaValidator validator(action("token").inputSchema());
	const auto input = object("{\"member_cid\": \"abcdef0123456789abcdef0123456789\", \"force\": true}");
	for (auto _ : state) benchmark::DoNotOptimize(validator.validate(input, "input"));
	state.SetItemsProcessed(state.iterations());
}

} // namespace

void registerCallBenchmarks()
{
	benchmark::RegisterBenchmark("raw_pair", RawPair)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("token_mint", TokenMint)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("c_abi_token_mint", CAbiTokenMint)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("revoke", Revoke)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("cached_token", CachedToken)->Threads(1)->Threads(2)->Threads(4)->Threads(16)->UseRealTime();
	benchmark::RegisterBenchmark("schema_validation", SchemaValidation);
}

}} // namespace Falcon::Bench
