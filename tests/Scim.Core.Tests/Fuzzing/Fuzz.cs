using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace Scim.Core.Tests.Fuzzing;

/// <summary>
/// Runs a fuzz target over generated inputs with CsCheck: a slice of a few seconds in every test
/// run, or as many inputs as <c>SCIM_FUZZ_ITERATIONS</c> says. A failing input is shrunk and
/// printed with the seed that replays it (<c>SCIM_FUZZ_SEED</c>). Each target says what became of
/// an input (served, or refused and how); the test output gets CsCheck's table of these outcomes,
/// then the count, the time and the slowest single input: figures to watch, not limits the test
/// holds anyone to.
/// </summary>
internal static class Fuzz
{
    public const string IterationsVariable = "SCIM_FUZZ_ITERATIONS";

    public const string SeedVariable = "SCIM_FUZZ_SEED";

    public static void Run<T>(Gen<T> inputs, Func<T, string> target, long slice, Func<T, string> show)
    {
        var slowest = new Slowest();
        var clock = Stopwatch.StartNew();
        var iterations = Iterations(slice);
        inputs.Sample(
            input =>
            {
                var start = Stopwatch.GetTimestamp();
                var outcome = target(input);
                slowest.Note(Stopwatch.GetElapsedTime(start));
                return outcome;
            },
            writeLine: Write,
            seed: Seed,
            iter: iterations,
            print: show);
        Summarize(iterations, clock.Elapsed, slowest);
    }

    public static async Task RunAsync<T>(Gen<T> inputs, Func<T, Task<string>> target, long slice, Func<T, string> show)
    {
        var slowest = new Slowest();
        var clock = Stopwatch.StartNew();
        var iterations = Iterations(slice);
        await inputs.SampleAsync(
            async input =>
            {
                var start = Stopwatch.GetTimestamp();
                var outcome = await target(input);
                slowest.Note(Stopwatch.GetElapsedTime(start));
                return outcome;
            },
            writeLine: Write,
            seed: Seed,
            iter: iterations,
            print: show);
        Summarize(iterations, clock.Elapsed, slowest);
    }

    private static string? Seed => Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } seed ? seed : null;

    private static long Iterations(long slice) =>
        long.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : slice;

    private static void Summarize(long iterations, TimeSpan elapsed, Slowest slowest) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"{TestContext.Current.Test?.TestDisplayName}: {iterations:N0} inputs in {elapsed.TotalSeconds:F1} s; slowest input {slowest.Milliseconds:F1} ms"));

    private static void Write(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>The longest time one input took, from any thread.</summary>
    private sealed class Slowest
    {
        private long _ticks;

        public double Milliseconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds;

        public void Note(TimeSpan elapsed)
        {
            var ticks = elapsed.Ticks;
            var seen = Interlocked.Read(ref _ticks);
            while (ticks > seen)
            {
                var previous = Interlocked.CompareExchange(ref _ticks, ticks, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }
    }
}
