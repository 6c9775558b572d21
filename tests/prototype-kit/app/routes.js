//
// For guidance on how to create routes see:
// https://prototype-kit.service.gov.uk/docs/create-routes
//

const govukPrototypeKit = require('govuk-prototype-kit')
const router = govukPrototypeKit.requests.setupRouter()

// Added by tests/prototype-kit/run.mjs: every body the kit receives at
// /check-answers, in order (then the kit stores it and redirects as usual).
const received = []
router.post('/check-answers', (req, res, next) => {
  received.push(req.body)
  next()
})
router.get('/test/received', (req, res) => res.json(received))
