using Scim.Testing;
using Xunit.Sdk;

namespace Scim.Core.Tests.Conformance;

/// <summary>The suite catches what it is there to catch: a check run against a deliberately wrong store fails.</summary>
public sealed class SuiteSelfTests
{
    /// <summary>
    /// A store whose CreateAsync answers with the resource it was given (the field bug: the
    /// response showed externalId, title and employeeNumber that were never stored) fails the check
    /// that CreateAsync returns what is stored, naming the attributes it never kept.
    /// </summary>
    [Fact]
    public async Task UserCreateCheck_StoreThatEchoesItsInput_Fails()
    {
        var suite = new CrudSuite(echoCreates: true);
        await suite.InitializeAsync();
        try
        {
            var error = await Assert.ThrowsAnyAsync<XunitException>(suite.User_Create_ReturnsWhatIsStored);

            Assert.Contains("what CreateAsync returned, against the input reduced to the kept attributes", error.Message, StringComparison.Ordinal);
            Assert.Contains("title is \"Director\", expected absent", error.Message, StringComparison.Ordinal);
            Assert.Contains("employeeNumber is \"E114\", expected absent", error.Message, StringComparison.Ordinal);
            Assert.Contains("externalId is", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await suite.DisposeAsync();
        }
    }

    /// <summary>The same check, run the same way against the same store without the echo, passes: the failure above is the echo's.</summary>
    [Fact]
    public async Task UserCreateCheck_HonestStore_Passes()
    {
        var suite = new CrudSuite(echoCreates: false);
        await suite.InitializeAsync();
        try
        {
            await suite.User_Create_ReturnsWhatIsStored();
        }
        finally
        {
            await suite.DisposeAsync();
        }
    }

    // Not public: the test runner does not collect it as a test class of its own.
    private sealed class CrudSuite(bool echoCreates) : CrudConformanceTests
    {
        protected override Task<StoreUnderTest> CreateStoresAsync() => Task.FromResult(HostShapedStores.Create(echoCreates));
    }
}
