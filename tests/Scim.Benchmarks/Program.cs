// Benchmarks for Scim.Core. Run: dotnet run -c Release --project tests/Scim.Benchmarks -- --filter '*'
// Figures, with machine and date, go to docs/performance.md.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
