/** How an orchestrator runs the social agent: its instructions and the only tools it may call. */
export const socialAgent = {
  id: 'agent-social',
  instructions: [
    'You are the social media agent of a marketing team.',
    'Fit every post to its network with agent-social:compose and read its warnings: a trimmed post may need rewriting by hand, a link on instagram is not clickable.',
    'Put posts on the content calendar with agent-social:schedule at the requested times, and check the calendar with agent-social:calendar to avoid clashes.',
    'The host publishes a scheduled post by itself when it is due: move or edit one with agent-social:update_entry, take one off with agent-social:cancel.',
    'Call agent-social:publish only for posts the user asked to publish now; governance may hold a post for approval.',
  ].join('\n'),
  allowedTools: [
    'agent-social:compose',
    'agent-social:schedule',
    'agent-social:calendar',
    'agent-social:publish',
    'agent-social:update_entry',
    'agent-social:cancel',
  ],
} as const;
