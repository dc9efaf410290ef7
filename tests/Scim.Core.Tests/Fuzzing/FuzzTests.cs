using CsCheck;

namespace Scim.Core.Tests.Fuzzing;

/// <summary>
/// Fuzzing of every part that reads untrusted bytes (see docs/fuzzing.md): whatever the input, it
/// is served or refused with a 4xx <see cref="Errors.ScimException"/>, never another exception.
/// Each test runs a slice of a few seconds; <c>SCIM_FUZZ_ITERATIONS=1000000</c> runs the long
/// campaign. What a campaign finds becomes a case in <see cref="FuzzFindingsTests"/>.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void FilterParsers_FuzzedInputs_AreServedOrRefusedWith4xx() => Fuzz.Run(Gen.Select(FuzzInputs.Filter, Gen.Bool), input => FuzzTargets.Filter(input.Item1, input.Item2), slice: 15_000, Show);

    [Fact]
    public void PatchPathParsers_FuzzedInputs_AreServedOrRefusedWith4xx() => Fuzz.Run(Gen.Select(FuzzInputs.PatchPath, Gen.Bool), input => FuzzTargets.PatchPath(input.Item1, input.Item2), slice: 15_000, Show);

    [Fact]
    public void ResourceReader_FuzzedInputs_AreServedOrRefusedWith4xx() => Fuzz.Run(FuzzInputs.Resource, FuzzTargets.Resource, slice: 15_000, FuzzInputs.Show);

    [Fact]
    public void PatchReaderAndApplier_FuzzedInputs_AreServedOrRefusedWith4xx() => Fuzz.Run(FuzzInputs.PatchRequest, FuzzTargets.Patch, slice: 10_000, FuzzInputs.Show);

    [Fact]
    public Task SearchRequestReader_FuzzedInputs_AreServedOrRefusedWith4xx() => Fuzz.RunAsync(FuzzInputs.SearchRequest, FuzzTargets.SearchAsync, slice: 10_000, FuzzInputs.Show);

    [Fact]
    public Task BulkReader_FuzzedInputs_AreServedOrRefusedWith4xx() => Fuzz.RunAsync(FuzzInputs.BulkRequest, FuzzTargets.BulkAsync, slice: 8_000, FuzzInputs.Show);

    private static string Show((string Text, bool Strict) input) => (input.Strict ? "strict: " : "lenient: ") + FuzzInputs.Show(input.Text);
}
