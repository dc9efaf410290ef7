using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>A host whose model has no outbox: its events come from the in-process queue, off the request.</summary>
public sealed class AccountsEventTests
{
    [Fact]
    public async Task WithoutTheOutboxInTheModel_EventsAreDeliveredFromTheQueue()
    {
        var subscriber = new RecordingSubscriber();
        await using var app = await AccountsApp.StartAsync(s => s.Services.AddSingleton<IScimEventSubscriber>(subscriber));
        using var client = app.Client();

        var reply = (await client.Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann@example.com","active":true}""")).Expect(HttpStatusCode.Created);
        var id = (string)JsonNode.Parse(reply.Text)!["id"]!;
        (await client.Delete("Users/" + id)).Expect(HttpStatusCode.NoContent);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (subscriber.Delivered.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "The events were not delivered within 10 seconds.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal([(ScimChangeKind.Created, id), (ScimChangeKind.Deleted, id)], subscriber.Delivered.Select(e => (e.Kind, e.ResourceId)));
    }

    [Fact]
    public async Task WithoutTheTablesInTheModel_TheReceiversQueueSaysHowToAddThem()
    {
        await using var app = await AccountsApp.StartAsync();
        var queue = app.Services.GetRequiredService<IScimReceiverQueue>();
        var change = new ScimChangeEvent { ResourceType = "User", ResourceId = "1", Tenant = "default", Kind = ScimChangeKind.Created, Time = DateTimeOffset.UtcNow };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.EnqueueAsync("r", change, TestContext.Current.CancellationToken));

        Assert.Contains("ApplyScimEvents()", error.Message, StringComparison.Ordinal);
    }
}
