using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Tests.Serialization;

namespace Scim.Core.Tests.Resources;

/// <summary>A user keeps its unset multi-valued attributes unallocated, even after being written, so stored users stay small.</summary>
public sealed class CompactUserTests
{
    [Fact]
    public void Write_UserWithOnlyEmails_AllocatesNoOtherList()
    {
        var user = new User { UserName = "bjensen", Emails = [new Email { Value = "b@example.com", Type = "work" }] };

        var json = ScimSerializer.ToJsonObject(user);
        _ = ScimSerializer.Serialize(user);

        Assert.Equal("b@example.com", (string?)json["emails"]![0]!["value"]);
        var allocated = User.RawCollections.Where(c => c.Value(user) is not null).Select(c => c.Key).ToList();
        Assert.Equal(["Emails"], allocated);
    }

    [Fact]
    public void Getter_OfAnUnsetList_GivesAnEmptyListThatSticks()
    {
        var user = new User();

        user.PhoneNumbers.Add(new PhoneNumber { Value = "+1 555" });

        Assert.Single(user.PhoneNumbers);
        Assert.Equal("+1 555", (string?)ScimSerializer.ToJsonObject(user)["phoneNumbers"]![0]!["value"]);
    }

    [Fact]
    public void Extensions_Unset_AreNotWrittenAndNotAllocatedByWriting()
    {
        var user = new User { UserName = "x" };

        var json = ScimSerializer.ToJsonObject(user);

        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:User"], json["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(["schemas", "userName"], json.Select(p => p.Key));
    }
}
