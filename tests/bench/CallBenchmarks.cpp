// The per-call benchmarks: each contender against the raw wire, side by side.

#include "BenchKit.h"

#include "falcon/oauth2/net/BasicCredentials.h"
#include "falcon/oauth2/store/EntrySeal.h"
#include "falcon/oauth2/store/FileTokenStore.h"
#include "falcon/oauth2/Wire.h"
#include "falcon/oauth2/store/RedisTokenStore.h"
#include "falcon/plugin/SchemaValidator.h"

#include <Poco/TemporaryFile.h>

#include <sys/stat.h>

namespace Falcon {
namespace Bench {

namespace {

const std::string TOKEN_FORM = "client_id=" + CLIENT + "&client_secret=" + SECRET;

// 1. Token mint (force: a new token each call), plugin vs raw wire.
void TokenMint(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM),
		pluginCall("token", "{\"force\": true}"));
}

// Control: the raw wire against itself on a second connection, to show what pairing alone costs.
void RawPair(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM),
		rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM));
}

// 2. The same through the C interface (JSON in, JSON out).
void CAbiTokenMint(benchmark::State& state)
{
	pairedLoop(state, rawCall(std::make_shared<RawWire>(), "/oauth2/token", TOKEN_FORM),
		cAbiCall("token", "{\"force\": true}"));
}

// 8. Revoke, plugin vs raw wire.
void Revoke(benchmark::State& state)
{
	pairedLoop(state,
		rawCall(std::make_shared<RawWire>(), "/oauth2/revoke", "token=not-a-real-token",
			"basic " + Falcon::OAuth2::basicCredentials(CLIENT, SECRET)),
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

// 3. What a cached hit costs a host that goes on to use it: the output taken to be changed (the
// hit's shared output copied), or its JSON text through the C ABI, as hosts in other languages
// get it.
void HitOutputTaken(benchmark::State& state)
{
	static const auto with = connection();
	static const auto input = object("{}");
	for (auto _ : state)
	{
		const auto result = invoke("token", input, with);
		benchmark::DoNotOptimize(result.output()->size());
	}
	state.SetItemsProcessed(state.iterations());
}

void CAbiCachedToken(benchmark::State& state)
{
	static const Call call = cAbiCall("token", "{}");
	for (auto _ : state)
	{
		if (!call()) state.SkipWithError("token failed");
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

// 9. A shared hit: the file store's entry read and opened, what a process does before it would mint.
void SharedEntryRead(benchmark::State& state)
{
	Poco::TemporaryFile directory;
	directory.createDirectories();
	::chmod(directory.path().c_str(), 0700);
	Falcon::OAuth2::FileTokenStore store(directory.path());
	const Falcon::OAuth2::EntrySeal seal(emulatorUrl, CLIENT, "", SECRET);
	Falcon::OAuth2::SharedEntry entry;
	entry.accessToken = std::string(1200, 't');
	entry.expiresAt = Falcon::OAuth2::SharedEntry::WallClock::now() + std::chrono::minutes(30);
	const auto deadline = [] { return Clock::now() + std::chrono::seconds(5); };
	store.write(seal.name(), seal.seal(entry), entry.expiresAt, deadline());
	for (auto _ : state)
	{
		const auto bytes = store.read(seal.name(), deadline());
		const auto opened = bytes ? seal.open(*bytes) : std::nullopt;
		if (!opened) state.SkipWithError("the entry did not open");
		benchmark::DoNotOptimize(opened);
	}
	state.SetItemsProcessed(state.iterations());
}

// 9. The same from Redis over a kept connection (GET, then the seal opened), beside a PING on
// a connection of its own to the same server: the loopback round trip that is its unit.
void SharedHitFrom(benchmark::State& state, Testing::RedisServer& server)
{
	using namespace Falcon::OAuth2;
	const RedisAddress address = RedisAddress::parse(server.url(), "bench");
	RedisTokenStore store(RedisTokenStore::Settings{
		address, REDIS_PASSWORD, "bench:", std::chrono::seconds(10), std::chrono::seconds(2), wire().redis});
	RedisSocket ping(address, REDIS_PASSWORD, std::chrono::seconds(2), 1024);
	const EntrySeal seal(emulatorUrl, CLIENT, "", SECRET);
	SharedEntry entry;
	entry.accessToken = std::string(1200, 't');
	entry.expiresAt = SharedEntry::WallClock::now() + std::chrono::minutes(30);
	const auto deadline = [] { return Clock::now() + std::chrono::seconds(5); };
	store.write(seal.name(), seal.seal(entry), entry.expiresAt, deadline());
	const auto commandsProcessed = [&server] {
		const std::string info = server.command({"INFO", "stats"}).text;
		const auto at = info.find("total_commands_processed:");
		return at == std::string::npos ? 0.0 : std::stod(info.substr(at + 25));
	};
	const double before = commandsProcessed();
	std::size_t hits = 0;
	pairedLoop(
		state, [&] { return ping.exchange({{"PING"}}, deadline()).front().is("PONG"); },
		[&] {
			++hits;
			const auto bytes = store.read(seal.name(), deadline());
			return bytes && seal.open(*bytes).has_value();
		});
	// What the server saw, less the baseline's PINGs and this INFO: the commands (each its own
	// round trip here) one hit costs.
	state.counters["commands_per_hit"] = (commandsProcessed() - before - static_cast<double>(hits) - 1)
		/ static_cast<double>(std::max<std::size_t>(hits, 1));
}

void RedisSharedHit(benchmark::State& state)
{
	SharedHitFrom(state, redisServer());
}

/// The same over TLS: the record layer's cost on each round trip.
void RedisTlsSharedHit(benchmark::State& state)
{
	SharedHitFrom(state, redisTlsServer());
}

} // namespace

void registerCallBenchmarks()
{
	benchmark::RegisterBenchmark("raw_pair", RawPair)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("token_mint", TokenMint)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("c_abi_token_mint", CAbiTokenMint)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("revoke", Revoke)->MinTime(2.0)->UseRealTime();
	benchmark::RegisterBenchmark("cached_token", CachedToken)
		->Threads(1)
		->Threads(2)
		->Threads(4)
		->Threads(16)
		->UseRealTime();
	benchmark::RegisterBenchmark("hit_output_taken", HitOutputTaken)->UseRealTime();
	benchmark::RegisterBenchmark("c_abi_cached_token", CAbiCachedToken)->UseRealTime();
	benchmark::RegisterBenchmark("schema_validation", SchemaValidation);
	benchmark::RegisterBenchmark("shared_entry_read", SharedEntryRead)->UseRealTime();
	benchmark::RegisterBenchmark("redis_shared_hit", RedisSharedHit)->MinTime(1.0)->UseRealTime();
	benchmark::RegisterBenchmark("redis_tls_shared_hit", RedisTlsSharedHit)->MinTime(1.0)->UseRealTime();
}

}
} // namespace Falcon::Bench
