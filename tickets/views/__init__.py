"""The pages of the tickets app, one module per area: `portal` (catalog, filing, my
requests), `ticket_page` and `ticket_actions` (the ticket page and what its forms post
to), `queue` (a team's queue and an agent's dashboard), `team_settings`; `access` holds
who may open what and the flow every ticket action shares. Views stay thin: reads come
from `tickets.selectors`, writes go through `tickets.services`, and an ApplicationError is
shown on the form that caused it."""
