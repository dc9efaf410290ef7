using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

public sealed class WriteGatesTests
{
    [Fact]
    public async Task Enter_SameResource_TakesTurnsAndForgetsTheGateAfterwards()
    {
        var gates = new WriteGates();
        var first = await gates.EnterAsync("t", "User", "1", TestContext.Current.CancellationToken);
        var second = gates.EnterAsync("t", "User", "1", TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(50, TestContext.Current.CancellationToken);

        Assert.False(second.IsCompleted);
        Assert.Equal(1, gates.Count);
        first.Dispose();
        (await second).Dispose();
        Assert.Equal(0, gates.Count);
    }

    [Fact]
    public async Task Enter_OtherResourceOrTenant_DoesNotWait()
    {
        var gates = new WriteGates();
        using var held = await gates.EnterAsync("t", "User", "1", TestContext.Current.CancellationToken);

        using var otherId = await gates.EnterAsync("t", "User", "2", TestContext.Current.CancellationToken);
        using var otherTenant = await gates.EnterAsync("u", "User", "1", TestContext.Current.CancellationToken);
        using var otherType = await gates.EnterAsync("t", "Group", "1", TestContext.Current.CancellationToken);

        Assert.Equal(4, gates.Count);
    }

    [Fact]
    public async Task Enter_CanceledWhileWaiting_LeavesNoGateBehind()
    {
        var gates = new WriteGates();
        var held = await gates.EnterAsync("t", "User", "1", TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var waiting = gates.EnterAsync("t", "User", "1", cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, gates.Count);
    }
}
