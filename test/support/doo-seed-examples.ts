/**
 * doo's configuration object examples (seeds/002) as JSON text, exactly as a doo client sends
 * them (String.raw keeps the escaped origin bodies byte for byte).
 */

/** "Default case": seven hooks, no origins, OAuth client credentials. */
export const defaultCase = String.raw`{
  "name": "My Test Webhook",
  "description": "Webhook for testing all the hook types",
  "hooks": [
    {
      "type": "event_created",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    },
    {
      "type": "event_removed",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    },
    {
      "type": "event_updated",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    },
    {
      "type": "order_created",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    },
    {
      "type": "order_removed",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    },
    {
      "type": "order_updated",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    },
    {
      "type": "order_cancelled",
      "method": "POST",
      "endpoint": "https://requestb.in/123"
    }
  ],
  "authentication": {
    "grant_type": "client_credentials",
    "endpoint": "https://requestb.in/123",
    "credentials": {
    	"client_id":"doo", 
    	"client_secret":"super-strong-secret"
    },
    "header_format": "Authorization",
    "header_value_format": "Bearer %ACCESS_TOKEN%"
  }
}`;

/** "GraphQL case", the page's current revision: origins on doo's gql.doo.net. */
export const graphqlCase = String.raw`{
    "name": "Test webhook",
    "description": "Event creation and updates webhook subscription",
    "hooks": [
        {
            "type": "event_created",
            "method": "POST",
            "endpoint": "https://company.com/receive-doo-webhooks",
            "origin": {
                "method": "POST",
                "endpoint": "https://gql.doo.net",
                "body": "{\"operationName\":null,\"variables\":{\"eventId\":\"%EVENT_ID%\"},\"query\":\"query ($eventId: ID!) {\\n event(id: $eventId) {\\n id title\\n }\\n}\\n\"}"
            }
        },
        {
            "type": "event_updated",
            "method": "POST",
            "endpoint": "https://company.com/receive-doo-webhooks",
            "origin": {
                "method": "POST",
                "endpoint": "https://gql.doo.net",
                "body": "{\"operationName\":null,\"variables\":{\"eventId\":\"%EVENT_ID%\"},\"query\":\"query($eventId: ID!) { event(id: $eventId) { id title }}\"}"
            }
        }
    ],
    "authentication": {
        "grant_type": "client_credentials",
        "endpoint": "https://company.com/authorize-doo-webhooks",
        "credentials": {
            "client_id": "doo",
            "client_secret": "super-strong-secret"
        },
        "header_format": "Authorization",
        "header_value_format": "Bearer %ACCESS_TOKEN%"
    }
}`;

/** The "GraphQL case" as the page's earlier revision had it: every hook type, EventShort/OrderShort. */
export const graphqlCaseEarlier = String.raw`{
    "name":"Sample-Org",
    "description":"Sample-Description",
    "hooks":[
        {
            "type":"event_created",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"EventShort\",\"variables\":{\"id\":\"%EVENT_ID%\"},\"query\":\"query EventShort($id: ID!) {\\n event(id: $id) {\\n title\\n }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        },
        {
            "type":"event_removed",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"EventShort\",\"variables\":{\"id\":\"%EVENT_ID%\"},\"query\":\"query EventShort($id: ID!) {\\n event(id: $id) {\\n title\\n }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        },
        {
            "type":"event_updated",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"EventShort\",\"variables\":{\"id\":\"%EVENT_ID%\"},\"query\":\"query EventShort($id: ID!) {\\n event(id: $id) {\\n title\\n }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        },
        {
            "type":"order_cancelled",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"OrderShort\",\"variables\":{\"id\":\"%ORDER_ID%\"},\"query\":\"query OrderShort($id: ID!) {\\n  order(id: $id) {\\n    hash\\n  }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        },
        {
            "type":"order_created",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"OrderShort\",\"variables\":{\"id\":\"%ORDER_ID%\"},\"query\":\"query OrderShort($id: ID!) {\\n  order(id: $id) {\\n    hash\\n  }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        },
        {
            "type":"order_removed",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"OrderShort\",\"variables\":{\"id\":\"%ORDER_ID%\"},\"query\":\"query OrderShort($id: ID!) {\\n  order(id: $id) {\\n    hash\\n  }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        },
        {
            "type":"order_updated",
            "method":"POST",
            "origin":{
                "method":"POST",
                "endpoint":"https://gql.doo.net",
                "body":"{\"operationName\":\"OrderShort\",\"variables\":{\"id\":\"%ORDER_ID%\"},\"query\":\"query OrderShort($id: ID!) {\\n  order(id: $id) {\\n    hash\\n  }\\n}\\n\"}"
            },
            "endpoint":"http://requestbin.net/r/123"
        }
    ],
    "authentication": {
        "grant_type": "client_credentials",
        "endpoint": "http://requestbin.net/r/456",
        "credentials": {
            "client_id": "doo",
            "client_secret": "super-strong-secret"
        },
        "header_format": "Authorization",
        "header_value_format": "Bearer %ACCESS_TOKEN%"
    }
}`;

export const seedClientSecret = "super-strong-secret";
