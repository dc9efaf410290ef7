// Benchmarks for Scim.Core. Run: dotnet run -c Release --project tests/Scim.Benchmarks -- --filter '*'
// `-- --memory` instead reports the memory the in-memory user store holds per stored user.
// Figures, with machine and date, go to docs/performance.md.
using BenchmarkDotNet.Running;
using Scim.Benchmarks;
using Scim.Core.InMemory;
using Scim.Core.Schema;
using Scim.Core.Stores;

if (args.Contains("--memory"))
{
    const int Count = 100_000;
    var registry = SchemaRegistry.CreateDefault();
    var before = GC.GetTotalMemory(forceFullCollection: true);
    using var store = new InMemoryUserStore(registry);
    Seed.Users(store, new ScimContext("memory"), Count);
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine($"In-memory user store: {Count:N0} Entra-shaped users, {(after - before) / (double)Count:N0} bytes per user (rows and indexes).");
    GC.KeepAlive(store);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
