using Scim.Core.InMemory;
using Scim.Core.Resources;

namespace Scim.Core.Tests.Provisioning;

/// <summary>The in-memory store shares repeating short values between users without changing them.</summary>
public sealed class ValuePoolTests
{
    [Fact]
    public void Compact_TwoUsers_ShareEqualTypeStrings()
    {
        var first = new User { Emails = [new Email { Value = "a@example.com", Type = new string("work".AsSpan()) }], Meta = new ResourceMeta { ResourceType = new string("User".AsSpan()) } };
        var second = new User { Emails = [new Email { Value = "b@example.com", Type = new string("work".AsSpan()) }], Meta = new ResourceMeta { ResourceType = new string("User".AsSpan()) } };
        Assert.False(ReferenceEquals(first.Emails[0].Type, second.Emails[0].Type));

        ValuePool.Compact(first);
        ValuePool.Compact(second);

        Assert.Equal("work", second.Emails[0].Type);
        Assert.Same(first.Emails[0].Type, second.Emails[0].Type);
        Assert.Same(first.Meta!.ResourceType, second.Meta!.ResourceType);
        Assert.NotSame(first.Emails[0].Value, second.Emails[0].Value);
    }

    [Fact]
    public void Share_LongValue_IsKeptAsItIs()
    {
        var value = new string('x', 100);

        Assert.Same(value, ValuePool.Share(value));
        Assert.Null(ValuePool.Share(null));
    }
}
